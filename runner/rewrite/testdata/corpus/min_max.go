package main

import (
	"fmt"
)

func main() {
	a, b := 3, 7
	lo := min(a, b)
	hi := max(a, b, 5)
	fmt.Println(lo, hi, min(2, 1))
	best := 100
	for _, v := range []int{40, 20, 60} {
		best = min(best, v)
	}
	fmt.Println(best)
	f := 2.5
	g := max(f, 1)
	fmt.Println(g)
}
