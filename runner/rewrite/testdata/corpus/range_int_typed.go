package main

import (
	"fmt"
)

type ID int64

func main() {
	var n int64 = 3
	for i := range n {
		fmt.Printf("%T %v\n", i, i)
	}
	var k ID = 2
	for i := range k {
		fmt.Printf("%T %v\n", i, i)
	}
}
