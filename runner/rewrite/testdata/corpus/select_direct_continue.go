package main

import (
	"fmt"
)

func main() {
	ch := make(chan int, 4)
	for i := 1; i <= 4; i++ {
		ch <- i
	}
	close(ch)
	total := 0
L:
	for i := 0; i < 10; i++ {
		select {
		case v, ok := <-ch:
			if ok {
				total += v
				continue L
			}
			break L
		}
	}
	fmt.Println(total)
}
