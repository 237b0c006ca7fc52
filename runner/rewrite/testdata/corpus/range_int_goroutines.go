package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var wg sync.WaitGroup
	var sum atomic.Int64
	for i := range 100 {
		wg.Go(func() { sum.Add(int64(i)) })
	}
	wg.Wait()
	fmt.Println(sum.Load())
}
