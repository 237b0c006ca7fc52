package main

import (
	"fmt"
)

func main() {
	x := compute()
	fmt.Println("done")
}

func compute() int { return 1 }
