package main

import (
	"fmt"
	"io"
	"strings"
)

type Shape interface{ Area() float64 }
type Sq struct{}

func (Sq) Area() float64 { return 1 }

func try(name string, f func()) {
	defer func() { fmt.Printf("%s: %v\n", name, recover()) }()
	f()
}

// Recovered failed type assertions: the runtime names both types.
func main() {
	var x any = "text"
	try("concrete", func() { _ = x.(int) })
	try("interface", func() { _ = x.(fmt.Stringer) })
	var none any
	try("nil", func() { _ = none.(string) })
	var r io.Reader = strings.NewReader("")
	try("reader", func() { _ = r.(io.Writer) })
	var s any = Sq{}
	try("local", func() { _ = s.(fmt.Stringer) })
	v, ok := x.(int)
	fmt.Println(v, ok)
	sh, ok := s.(Shape)
	fmt.Println(sh.Area(), ok)
}
