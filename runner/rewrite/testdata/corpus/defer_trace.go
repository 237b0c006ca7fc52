package main

import (
	"fmt"
)

func trace(name string) func() {
	fmt.Println("enter", name)
	return func() { fmt.Println("exit", name) }
}

func work() {
	defer trace("work")()
	fmt.Println("working")
}

func main() { work() }
