package main

import (
	"fmt"
	"sort"
	"sync"
)

func merge(cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(cs))
	for _, c := range cs {
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

func gen(vs ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, v := range vs {
			out <- v
		}
		close(out)
	}()
	return out
}

func main() {
	var got []int
	for v := range merge(gen(1, 2), gen(3, 4)) {
		got = append(got, v)
	}
	sort.Ints(got)
	fmt.Println(got)
}
