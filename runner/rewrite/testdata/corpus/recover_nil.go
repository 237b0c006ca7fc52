package main

import "fmt"

type T struct{ x int }

func (t *T) Get() int { return t.x }

func try(name string, f func()) {
	defer func() { fmt.Printf("%s: %v\n", name, recover()) }()
	f()
}

// Recovered runtime errors: nil map writes, nil pointers, nil funcs.
func main() {
	var m map[string]int
	try("nil map read", func() { fmt.Println(m["a"]) })
	try("nil map write", func() { m["a"] = 1 })
	var p *T
	try("nil field", func() { _ = p.x })
	try("nil method", func() { p.Get() })
	var f func()
	try("nil func", func() { f() })
	var arr *[3]int
	try("nil array pointer", func() { _ = arr[1] })
	try("len of nil array pointer", func() { fmt.Println(len(arr)) })
}
