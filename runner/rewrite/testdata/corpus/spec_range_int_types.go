package main

import "fmt"

type Count uint8

// Range over an integer: the iteration variable has the type of the range
// expression; an untyped constant gives int.
func main() {
	for i := range Count(3) {
		fmt.Printf("%v:%T ", i, i)
	}
	fmt.Println()
	const N = 2
	for i := range N {
		fmt.Printf("%T ", i)
	}
	var n int64 = 3
	for i := range n {
		fmt.Print(i*10, " ")
	}
	fmt.Println()
	for range -1 {
		fmt.Println("never")
	}
	total := 0
	for i := range 5 {
		total += i
	}
	fmt.Println(total)
}
