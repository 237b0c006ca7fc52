package main

import "fmt"

type T struct{ x int }

func (t T) Val() int  { return t.x }
func (t *T) Ptr() int { return t.x }

// A method value evaluates its receiver when it is made: a copy for a
// value receiver, the pointer for a pointer receiver.
func main() {
	t := T{1}
	v, p := t.Val, t.Ptr
	t.x = 2
	fmt.Println(v(), p())
	fs := []func() int{}
	for _, x := range []T{{10}, {20}} {
		fs = append(fs, x.Val)
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	var i interface{ Val() int } = t
	t.x = 3
	fmt.Println(i.Val())
}
