package main

import (
	"fmt"
	"sync"
)

func main() {
	get := sync.OnceValue(func() int {
		fmt.Println("computing")
		return 42
	})
	fmt.Println(get(), get())
}
