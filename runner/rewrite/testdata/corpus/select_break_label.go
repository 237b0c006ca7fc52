package main

import (
	"fmt"
)

func main() {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 5; i++ {
			ch <- i
		}
		close(done)
	}()
	count := 0
loop:
	for {
		select {
		case v := <-ch:
			count += v
		case <-done:
			break loop
		}
	}
	fmt.Println("sum", count)
}
