package main

import (
	"fmt"
)

type point struct{ x int }

func (p point) show() { fmt.Println("point", p.x) }

func main() {
	p := point{1}
	defer p.show()
	p = point{2}
	fmt.Println("changed to", p.x)
}
