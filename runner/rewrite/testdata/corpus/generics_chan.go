package main

import (
	"fmt"
)

func Map[T, U any](in <-chan T, f func(T) U) <-chan U {
	out := make(chan U)
	go func() {
		defer close(out)
		for v := range in {
			out <- f(v)
		}
	}()
	return out
}

func main() {
	in := make(chan int, 3)
	for i := 1; i <= 3; i++ {
		in <- i
	}
	close(in)
	for s := range Map[int, string](in, func(n int) string { return fmt.Sprint(n * n) }) {
		fmt.Println(s)
	}
}
