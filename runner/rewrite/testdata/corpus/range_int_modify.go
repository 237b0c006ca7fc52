package main

import (
	"fmt"
)

func main() {
	for i := range 3 {
		i += 10
		fmt.Print(i, " ")
	}
	fmt.Println()
	s := []string{"a", "b", "c"}
	for i := range len(s) {
		fmt.Print(s[i])
	}
	fmt.Println()
}
