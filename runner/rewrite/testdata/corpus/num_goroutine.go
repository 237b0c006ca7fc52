package main

import (
	"fmt"
	"runtime"
)

func main() {
	before := runtime.NumGoroutine()
	done := make(chan struct{})
	go func() { <-done }()
	fmt.Println(runtime.NumGoroutine() - before)
	close(done)
}
