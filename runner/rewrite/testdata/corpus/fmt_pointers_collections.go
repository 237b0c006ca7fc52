package main

import "fmt"

type Node struct {
	Val  int
	Kids []*Node
}

// Pointers to structs print as &{...} at the top level; nested pointers
// print as addresses (masked here as 0xADDR).
func main() {
	n := &Node{1, []*Node{{2, nil}}}
	fmt.Println(n.Kids[0].Val, len(n.Kids))
	fmt.Printf("%v %+v\n", *n.Kids[0], n.Kids[0])
	x := 5
	px := &x
	ppx := &px
	fmt.Println(*px, **ppx, px == *ppx)
	arr := [3]*int{px}
	fmt.Println(arr[1] == nil, len(arr))
	m := map[string]*Node{"a": {Val: 3}}
	fmt.Println(m["a"].Val, m["b"] == nil)
	fmt.Printf("%v\n", []*int(nil))
	ch := make(chan int)
	fmt.Println(ch != nil, fmt.Sprintf("%v", ch)[:2])
}
