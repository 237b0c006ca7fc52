package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

func main() {
	var c counter
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(c.inc)
	}
	wg.Wait()
	fmt.Println(c.n)
}
