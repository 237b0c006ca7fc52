package main

import (
	"fmt"
	"sync"
)

type cache struct {
	sync.RWMutex
	m map[string]int
}

func (c *cache) get(k string) (int, bool) {
	c.RLock()
	defer c.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache) set(k string, v int) {
	c.Lock()
	defer c.Unlock()
	c.m[k] = v
}

func main() {
	c := &cache{m: map[string]int{}}
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() { c.set(fmt.Sprint("k", i), i) })
	}
	wg.Wait()
	v, ok := c.get("k3")
	fmt.Println(v, ok, len(c.m))
}
