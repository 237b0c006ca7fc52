package main

import "fmt"

// select: a ready case runs; with none ready, default; a nil channel is
// never ready.
func main() {
	ch := make(chan int, 1)
	for i := 0; i < 3; i++ {
		select {
		case ch <- i:
			fmt.Println("sent", i)
		default:
			fmt.Println("full at", i)
		}
	}
	var in chan int
	out := ch
	select {
	case v := <-in:
		fmt.Println("never", v)
	case v, ok := <-out:
		fmt.Println("received", v, ok)
	}
	close(ch)
	select {
	case v, ok := <-ch:
		fmt.Println("closed", v, ok)
	}
}
