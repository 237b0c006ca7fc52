package main

import "fmt"

func sum(prefix string, xs ...int) string {
	t := 0
	for _, x := range xs {
		t += x
	}
	if len(xs) > 0 {
		xs[0] = 100 // shares the caller's array when called with s...
	}
	return fmt.Sprint(prefix, len(xs), xs == nil, t)
}

func main() {
	fmt.Println(sum("none"))
	fmt.Println(sum("three", 1, 2, 3))
	s := []int{4, 5}
	fmt.Println(sum("spread", s...), s)
	var empty []int
	fmt.Println(sum("nil", empty...))
	fmt.Println(append([]byte("ab"), "cd"...))
}
