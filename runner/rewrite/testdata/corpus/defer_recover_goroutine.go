package main

import (
	"fmt"
	"sort"
	"sync"
)

func safe(id int, wg *sync.WaitGroup, out chan<- string) {
	defer wg.Done()
	defer func() {
		if r := recover(); r != nil {
			out <- fmt.Sprint("worker ", id, " recovered: ", r)
		}
	}()
	if id == 2 {
		panic("boom")
	}
	out <- fmt.Sprint("worker ", id, " ok")
}

func main() {
	var wg sync.WaitGroup
	out := make(chan string, 3)
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go safe(i, &wg, out)
	}
	wg.Wait()
	close(out)
	var lines []string
	for l := range out {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}
