package main

import (
	"fmt"
)

func main() {
	xs := []int{5, 2, 8}
	fmt.Println(min(xs[0], xs[1]) + max(xs[1], xs[2]))
}
