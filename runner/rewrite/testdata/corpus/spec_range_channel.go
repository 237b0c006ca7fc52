package main

import "fmt"

// Range over a channel receives until it is closed; receiving from a
// closed channel yields the zero value at once.
func main() {
	ch := make(chan string, 3)
	ch <- "a"
	ch <- "b"
	close(ch)
	for v := range ch {
		fmt.Println(v)
	}
	v, ok := <-ch
	fmt.Printf("%q %v %d %d\n", v, ok, len(ch), cap(ch))
	var nilCh chan int
	select {
	case <-nilCh:
		fmt.Println("never")
	default:
		fmt.Println("nil channel blocks")
	}
}
