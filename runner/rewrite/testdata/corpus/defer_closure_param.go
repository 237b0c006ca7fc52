package main

import (
	"fmt"
)

func main() {
	for i := 0; i < 3; i++ {
		defer func(n int) { fmt.Println("param", n) }(i)
	}
}
