package main

import "fmt"

type S struct {
	M map[string]int
	L []int
	P *int
	F func()
	C chan int
	I any
	E error
}

func main() {
	var s S
	fmt.Printf("%v\n%+v\n", s, s)
	var m map[string]int
	var l []int
	var p *int
	var i any
	fmt.Println(m, l, p, i, len(m), len(l), l == nil)
	fmt.Printf("%d %s %v %q\n", l, l, m, l)
	fmt.Printf("[%5v] [%-5v]\n", nil, nil)
	var err error
	fmt.Printf("%v %T %T\n", err, err, i)
}
