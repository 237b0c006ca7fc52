package main

import "fmt"

type Pt struct {
	X, Y int
	Tag  string
	Next *Pt
}

// The fmt documentation's verbs on structs, slices, maps and basic values.
func main() {
	p := Pt{1, 2, "a", nil}
	fmt.Printf("%v|%+v|%T\n", p, p, p)
	fmt.Printf("%v|%+v\n", &p, []*Pt{nil})
	fmt.Printf("%v %d %x %X %o %b %c %U %q\n", 42, 42, 255, 255, 8, 5, 'G', 'G', 'G')
	fmt.Printf("%q %x % x %X %s\n", "héllo", "hi", []byte("hi"), "hi", []byte("raw"))
	fmt.Printf("%5d|%-5d|%05d|%+d|%x\n", 42, 42, 42, 42, -255)
	fmt.Printf("%t %v %08.3f %6.2f%%\n", true, false, 3.14159, 99.5)
	fmt.Printf("%q %v %d\n", []string{"a", "b c"}, [2]bool{true}, []int8{-1, 2})
	fmt.Printf("%v %v\n", map[string]int{"z": 1, "a": 2, "m": 3}, map[int]string{3: "c", 1: "a", 2: "b"})
	fmt.Printf("%T %T %T %T %T\n", 1, "s", 2.0, []any{1}, map[string][]int{})
	fmt.Printf("%6s|%-6s|%.2s|%x\n", "ab", "ab", "abcdef", 3.5)
	fmt.Printf("%*d|%-*d|%.*f\n", 5, 1, 4, 2, 2, 3.14159)
}
