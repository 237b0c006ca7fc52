package main

import "fmt"

// The specification's range clause that assigns to an index expression:
// the index operand is evaluated before the assignment.
func main() {
	i := 2
	s := []int{3, 5, 7}
	for i, s[i] = range s { // set i, s[2] = 0, s[0]
		break
	}
	fmt.Println(i, s)
}
