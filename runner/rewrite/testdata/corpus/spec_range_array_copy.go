package main

import "fmt"

// The range expression is evaluated once: ranging over an array ranges over
// a copy, over a pointer to an array or a slice sees the changes.
func main() {
	a := [3]int{1, 2, 3}
	for i, v := range a {
		a[2] = 10
		fmt.Print(i, v, " ")
	}
	fmt.Println(a)
	b := [3]int{1, 2, 3}
	for i, v := range &b {
		b[2] = 10
		fmt.Print(i, v, " ")
	}
	fmt.Println()
	s := []int{1, 2, 3}
	for i, v := range s {
		s[2] = 10
		if i == 0 {
			s = append(s, 4) // the range keeps the original length
		}
		fmt.Print(i, v, " ")
	}
	fmt.Println(s)
	var p *[4]int
	for i := range p { // len(p) is constant: p is not evaluated
		fmt.Print(i)
	}
	fmt.Println()
}
