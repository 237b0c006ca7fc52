package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var got []int
	for i := 0; i < 4; i++ {
		wg.Go(func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, i)
		})
	}
	wg.Wait()
	sort.Ints(got)
	fmt.Println(got)
}
