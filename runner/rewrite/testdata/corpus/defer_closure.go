package main

import (
	"fmt"
)

func main() {
	x := 1
	defer func() { fmt.Println("closure sees", x) }()
	x = 2
}
