package main

import "fmt"

func try(name string, f func()) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		fmt.Printf("%s: %v %v\n", name, r, ok && err.Error() == fmt.Sprint(r))
	}()
	f()
}

// Recovered runtime errors of arithmetic and conversions.
func main() {
	zero := 0
	try("divide", func() { fmt.Println(1 / zero) })
	try("modulo", func() { fmt.Println(1 % zero) })
	var z8 int8
	try("divide int8", func() { fmt.Println(int8(1) / z8) })
	fz := 0.0
	try("float divide", func() { fmt.Println(1 / fz) })
	n := -1
	try("makeslice", func() { _ = make([]int, n) })
	try("makechan", func() { _ = make(chan int, n) })
	try("shift", func() { fmt.Println(1 >> n) })
}
