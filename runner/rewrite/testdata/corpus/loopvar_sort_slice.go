package main

import (
	"fmt"
	"sort"
)

func main() {
	groups := [][]int{{3, 1, 2}, {9, 7, 8}}
	for _, g := range groups {
		sort.Slice(g, func(a, b int) bool { return g[a] < g[b] })
	}
	fmt.Println(groups)
}
