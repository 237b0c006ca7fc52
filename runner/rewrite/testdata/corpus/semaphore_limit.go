package main

import (
	"context"
	"fmt"
	"golang.org/x/sync/semaphore"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	sem := semaphore.NewWeighted(2)
	ctx := context.Background()
	var wg sync.WaitGroup
	var active, peak atomic.Int32
	for i := range 6 {
		if err := sem.Acquire(ctx, 1); err != nil {
			fmt.Println(err)
			return
		}
		wg.Go(func() {
			defer sem.Release(1)
			n := active.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Duration(i%2+1) * time.Millisecond)
			active.Add(-1)
		})
	}
	wg.Wait()
	fmt.Println("peak <= 2:", peak.Load() <= 2)
}
