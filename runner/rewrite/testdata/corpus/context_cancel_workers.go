package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

func worker(ctx context.Context, id int, out chan<- int) {
	for {
		select {
		case <-ctx.Done():
			return
		case out <- id:
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan int)
	var wg sync.WaitGroup
	for id := range 3 {
		wg.Go(func() { worker(ctx, id, out) })
	}
	seen := map[int]bool{}
	for len(seen) < 3 {
		seen[<-out] = true
	}
	cancel()
	wg.Wait()
	fmt.Println("saw", len(seen), "workers;", ctx.Err())
}
