package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	results := make([]string, 3)
	names := []string{"ann", "bob", "cid"}
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = "hello " + name
		}()
	}
	wg.Wait()
	fmt.Println(results)
}
