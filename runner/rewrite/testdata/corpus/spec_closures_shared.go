package main

import "fmt"

// Closures share the variables they capture; each call of the enclosing
// function makes new ones.
func counter() (func() int, func()) {
	n := 0
	return func() int { n++; return n }, func() { n = 100 }
}

func main() {
	inc, reset := counter()
	inc()
	inc()
	reset()
	fmt.Println(inc())
	inc2, _ := counter()
	fmt.Println(inc2())
	var fs [3]func() int
	for i := range fs {
		fs[i] = func() int { return i * i }
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	x := 1
	f := func() { x *= 10 }
	f()
	f()
	fmt.Println(x)
}
