package main

import (
	"fmt"
	"slices"
)

func main() {
	s := []string{"go", "yaegi"}
	fmt.Println(slices.Contains(s, "go"), slices.Index(s, "yaegi"))
}
