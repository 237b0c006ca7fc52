package main

import "fmt"

func try(name string, f func()) {
	defer func() { fmt.Printf("%s: %v\n", name, recover()) }()
	f()
}

// Recovered channel misuse.
func main() {
	var nilCh chan int
	try("close nil", func() { close(nilCh) })
	ch := make(chan int, 1)
	close(ch)
	try("close closed", func() { close(ch) })
	try("send closed", func() { ch <- 1 })
	v, ok := <-ch
	fmt.Println(v, ok)
}
