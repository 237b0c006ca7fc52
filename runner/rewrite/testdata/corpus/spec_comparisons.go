package main

import "fmt"

type P struct{ X, Y int }

func try(f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	f()
}

// Comparisons: structs and arrays by value, interfaces by dynamic type and
// value; an uncomparable dynamic type panics.
func main() {
	fmt.Println(P{1, 2} == P{1, 2}, [2]int{1} == [2]int{1, 0})
	var a, b any = 1, 1.0
	fmt.Println(a == b, a == any(1))
	var e1, e2 error
	fmt.Println(e1 == e2)
	x, y := any([]int{1}), any([]int{1})
	try(func() { fmt.Println(x == y) })
	m := map[any]int{}
	try(func() { m[[]int{1}] = 1 })
	var p1, p2 *P = &P{}, &P{}
	fmt.Println(p1 == p2, *p1 == *p2)
	type key struct{ a, b string }
	seen := map[key]bool{{"x", "y"}: true}
	fmt.Println(seen[key{"x", "y"}], seen[key{"y", "x"}])
}
