package main

import "fmt"

type Point struct{ X, Y int }

func (p Point) Sum() int          { return p.X + p.Y }
func (p *Point) Scale(k int)      { p.X *= k; p.Y *= k }
func (p Point) Add(q Point) Point { return Point{p.X + q.X, p.Y + q.Y} }

// Method expressions: T.M is a function whose first parameter is the
// receiver.
func main() {
	sum := Point.Sum
	scale := (*Point).Scale
	add := Point.Add
	p := Point{1, 2}
	scale(&p, 3)
	fmt.Println(sum(p), add(p, Point{1, 1}))
	fmt.Printf("%T\n", sum)
}
