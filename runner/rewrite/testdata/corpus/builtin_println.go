package main

import (
	"fmt"
)

func main() {
	fmt.Println("to stdout")
	println("to stderr", 42)
}
