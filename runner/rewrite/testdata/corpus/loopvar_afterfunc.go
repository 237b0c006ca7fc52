package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []string
	for _, s := range []string{"x", "y", "z"} {
		wg.Add(1)
		time.AfterFunc(time.Millisecond, func() {
			defer wg.Done()
			mu.Lock()
			got = append(got, s)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Strings(got)
	fmt.Println(got)
}
