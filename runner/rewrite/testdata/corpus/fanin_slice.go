package main

import (
	"fmt"
	"sort"
	"sync"
)

func merge(cs []<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
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

func main() {
	var cs []<-chan int
	for i := range 3 {
		c := make(chan int, 1)
		c <- i
		close(c)
		cs = append(cs, c)
	}
	var got []int
	for v := range merge(cs) {
		got = append(got, v)
	}
	sort.Ints(got)
	fmt.Println(got)
}
