package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	out := make([]int, 3)
	for i := 0; i < 3; i++ {
		i := i // the pre-Go 1.22 fix
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i + 100
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
