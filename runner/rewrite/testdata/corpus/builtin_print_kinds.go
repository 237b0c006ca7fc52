package main

type C float64
type S string

func two() (int, string) { return 7, "x" }

func main() {
	var e error
	var a any = 3
	var p *int
	var m map[int]int
	s := []int{1, 2}
	println(1, "a", true, 1.5, C(2), 2.0, 1e21, float32(0.1), 1+2i, complex64(1.5-2i), 'x', S("s"))
	print(1, "a", true, 2, "\n")
	print("x", 1, 2, "\n")
	println()
	print()
	println(p, m == nil, e == nil)
	println(-0.0, 1/func() float64 { return 0 }(), uint8(255), int8(-128), uintptr(12))
	println(two())
	_, _, _ = a, s, e
	println(e, a, s, func() {}, make(chan int), m)
}
