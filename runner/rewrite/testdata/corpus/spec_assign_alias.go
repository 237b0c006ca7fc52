package main

import "fmt"

// The language specification, Assignment statements: the operands of index
// expressions on the left and the expressions on the right are all
// evaluated first, then the assignments are carried out left to right.
func main() {
	x := []int{1, 2, 3}
	y := x
	at := func(i int) int { return x[i] }
	x[1], y[0] = at(0), at(1)
	fmt.Println(x)

	a, b := 1, 2
	a, b = b, a
	fmt.Println(a, b)

	s := []int{1, 2, 3}
	i := 0
	i, s[i] = 1, 2 // set i = 1, s[0] = 2
	fmt.Println(i, s)

	i = 0
	s[i], i = 2, 1 // set s[0] = 2, i = 1
	fmt.Println(i, s)

	s[0], s[0] = 1, 2 // set s[0] = 1, then s[0] = 2
	fmt.Println(s)

}
