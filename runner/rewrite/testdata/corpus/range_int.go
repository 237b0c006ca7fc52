package main

import (
	"fmt"
)

func main() {
	for i := range 3 {
		fmt.Print(i, " ")
	}
	fmt.Println()
	n := 4
	total := 0
	for range n {
		total++
	}
	fmt.Println("total", total)
}
