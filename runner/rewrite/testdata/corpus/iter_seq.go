package main

import (
	"fmt"
	"iter"
)

func evens(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i += 2 {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	for v := range evens(6) {
		fmt.Print(v, " ")
	}
	fmt.Println()
}
