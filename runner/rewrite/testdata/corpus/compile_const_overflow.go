package main

import "fmt"

// A constant that does not fit its type is a compile error.
func main() {
	var b byte = 255
	const c = 10
	var d byte = c * 30
	fmt.Println(b, d)
}
