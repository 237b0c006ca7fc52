package main

import (
	"fmt"
	"sort"
	"strings"
)

type result struct {
	id  int
	val string
}

func main() {
	ch := make(chan result)
	for i := 0; i < 3; i++ {
		go func() { ch <- result{i, strings.Repeat("*", i+1)} }()
	}
	rs := make([]result, 0, 3)
	for range 3 {
		rs = append(rs, <-ch)
	}
	sort.Slice(rs, func(a, b int) bool { return rs[a].id < rs[b].id })
	for _, r := range rs {
		fmt.Println(r.id, r.val)
	}
}
