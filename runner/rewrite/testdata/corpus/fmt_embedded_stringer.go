package main

import "fmt"

type Name struct{ first, last string }

func (n Name) String() string { return n.first + " " + n.last }

type Person struct {
	Name
	Age int
}

type Pet struct {
	name Name
	Age  int
}

// An embedded Stringer promotes String to the outer struct, which fmt then
// uses; a named field does not.
func main() {
	p := Person{Name{"Ada", "Lovelace"}, 36}
	fmt.Println(p)
	fmt.Printf("%v %+v %s\n", p, p, p)
	q := Pet{Name{"Rex", "Dog"}, 3}
	fmt.Println(q)
	fmt.Printf("%+v\n", q)
}
