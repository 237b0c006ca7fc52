package main

import "fmt"

type Level int

// An uncaught panic with a value of a named integer type prints the type.
func main() {
	fmt.Println("before")
	panic(Level(3))
}
