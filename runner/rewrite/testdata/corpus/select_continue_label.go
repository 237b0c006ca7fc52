package main

import (
	"fmt"
)

func main() {
	ch := make(chan int, 6)
	for i := 0; i < 6; i++ {
		ch <- i
	}
	close(ch)
	var odd []int
outer:
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				break outer
			}
			if v%2 == 0 {
				continue outer
			}
			odd = append(odd, v)
		}
	}
	fmt.Println(odd)
}
