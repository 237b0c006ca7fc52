package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() { m.Store(i, i*i) })
	}
	wg.Wait()
	var keys []int
	m.Range(func(k, v any) bool {
		keys = append(keys, k.(int))
		return true
	})
	sort.Ints(keys)
	v, _ := m.Load(3)
	fmt.Println(keys, v)
}
