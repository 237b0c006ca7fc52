package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var n atomic.Int64
	var flag atomic.Bool
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { n.Add(1); flag.Store(true) })
	}
	wg.Wait()
	fmt.Println(n.Load(), flag.Load())
	var old int32 = 5
	fmt.Println(atomic.CompareAndSwapInt32(&old, 5, 6), old)
}
