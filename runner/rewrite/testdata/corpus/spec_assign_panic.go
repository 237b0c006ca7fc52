package main

import "fmt"

type Point struct{ x, y int }

// The specification's assignments that panic half way: the assignments
// before the failing one have happened.
func main() {
	x := []int{1, 2, 3}
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		x[1], x[3] = 4, 5 // set x[1] = 4, then panic setting x[3] = 5
	}()
	fmt.Println(x)
	var p *Point
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		x[2], p.x = 6, 7 // set x[2] = 6, then panic setting p.x = 7
	}()
	fmt.Println(x)
}
