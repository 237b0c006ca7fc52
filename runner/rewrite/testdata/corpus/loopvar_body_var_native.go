package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	out := make([]int, 3)
	for i := 0; i < 3; i++ {
		sq := i * i
		wg.Go(func() { out[i] = sq })
	}
	wg.Wait()
	fmt.Println(out)
}
