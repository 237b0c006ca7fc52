package main

import (
	"fmt"
)

func main() {
	handlers := map[string]func() string{}
	for _, name := range []string{"a", "b", "c"} {
		handlers[name] = func() string { return "handler " + name }
	}
	for _, k := range []string{"a", "b", "c"} {
		fmt.Println(handlers[k]())
	}
}
