package main

import (
	"fmt"
	"sort"
	"sync"
)

type worker struct{ id int }

func (w *worker) run(out chan<- int) { out <- w.id }

func main() {
	out := make(chan int, 3)
	var wg sync.WaitGroup
	for _, w := range []worker{{1}, {2}, {3}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(out)
		}()
	}
	wg.Wait()
	close(out)
	var ids []int
	for id := range out {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	fmt.Println(ids)
}
