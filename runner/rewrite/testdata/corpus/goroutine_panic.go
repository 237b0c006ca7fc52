package main

import (
	"fmt"
)

func main() {
	done := make(chan bool)
	go func() {
		panic("worker failed")
	}()
	<-done
	fmt.Println("unreachable")
}
