package main

import "fmt"

var trace []string

func note(s string, v int) int { trace = append(trace, s); return v }

// The specification, Order of evaluation: function calls, method calls and
// communication operations are evaluated in lexical left-to-right order.
func main() {
	y := make([]int, 4)
	c := make(chan int, 1)
	c <- 7
	z := false
	g := func(a bool, b int, d int) int { trace = append(trace, "g"); return b + d }
	var ok bool
	y[note("f", 1)], ok = g(z || note("h", 1) == 1, note("i", 1)+y[note("j", 0)], <-c), note("k", 1) == 1
	fmt.Println(trace, y, ok)

	trace = nil
	m := map[int]int{}
	m[note("key", 1)] = note("value", 2)
	fmt.Println(trace, m)

	trace = nil
	arr := []int{note("a", 1), note("b", 2), note("c", 3)}
	fmt.Println(trace, arr)
}
