package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []string
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			wg.Go(func() {
				mu.Lock()
				got = append(got, fmt.Sprint(i, j))
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	sort.Strings(got)
	fmt.Println(got)
}
