package main

import (
	"fmt"
	"sync"
)

type acc struct {
	mu  sync.Mutex
	sum int
}

func (a *acc) add(n int) {
	a.mu.Lock()
	a.sum += n
	a.mu.Unlock()
}

func main() {
	a := &acc{}
	f := a.add
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); f(i) }()
	}
	wg.Wait()
	fmt.Println(a.sum)
}
