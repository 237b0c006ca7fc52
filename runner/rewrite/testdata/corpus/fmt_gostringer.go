package main

import "fmt"

type Secret string

func (s Secret) GoString() string { return "Secret(***)" }

type Pair struct {
	K string
	V int
}

func main() {
	fmt.Printf("%#v %v\n", Secret("pw"), Secret("pw"))
	fmt.Printf("%#v\n", Pair{"a", 1})
	fmt.Printf("%#v %#v %#v\n", []int{1}, map[string]bool{"x": true}, "q")
	fmt.Printf("%#v %#v\n", []Pair{{"b", 2}}, &Pair{"c", 3})
	var e any
	fmt.Printf("%#v %#v %#v\n", e, []string(nil), 3.0)
}
