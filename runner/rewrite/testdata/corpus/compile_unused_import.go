package main

import (
	"fmt"
	"os"
)

// go build rejects an unused import.
func main() {
	fmt.Println("hi")
}
