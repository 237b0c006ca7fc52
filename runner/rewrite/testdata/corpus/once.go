package main

import (
	"fmt"
	"sync"
)

func main() {
	var once sync.Once
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { once.Do(func() { fmt.Println("init once") }) })
	}
	wg.Wait()
	f := sync.OnceFunc(func() { fmt.Println("oncefunc") })
	f()
	f()
}
