package main

import "fmt"

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

const (
	_  = iota
	KB = 1 << (10 * iota)
	MB
	GB
)

const (
	a, b = iota, iota * 10
	c, d
	_, _
	e, f
)

const big = 1 << 100

func main() {
	fmt.Println(Sunday, Tuesday, KB, MB, GB)
	fmt.Println(a, b, c, d, e, f)
	fmt.Println(big >> 98)
	fmt.Printf("%T %T %T\n", Monday, KB, 'x')
}
