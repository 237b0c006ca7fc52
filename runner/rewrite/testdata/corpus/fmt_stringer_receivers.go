package main

import "fmt"

type V struct{ n int }

func (v V) String() string { return fmt.Sprintf("V<%d>", v.n) }

type P struct{ n int }

func (p *P) String() string { return fmt.Sprintf("P<%d>", p.n) }

// The fmt documentation: String is used when the operand implements
// Stringer; a pointer-receiver method makes only the pointer a Stringer.
func main() {
	v, p := V{1}, P{2}
	fmt.Println(v, &v, p, &p)
	fmt.Printf("%v %s %+v %#v\n", v, v, p, p)
	var s fmt.Stringer = &p
	fmt.Println(s)
	var np *P
	fmt.Println(np == nil)
	fmt.Println([]V{{3}, {4}}, map[string]V{"k": {5}})
	fmt.Println(struct{ A V }{V{6}})
}
