package main

import (
	"fmt"
)

type item struct{ name string }

func main() {
	var ptrs []*item
	for _, it := range []item{{"a"}, {"b"}, {"c"}} {
		ptrs = append(ptrs, &it)
	}
	for _, p := range ptrs {
		fmt.Print(p.name)
	}
	fmt.Println()
}
