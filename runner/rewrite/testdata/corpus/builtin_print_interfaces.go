package main

import "errors"

type Shape interface{ Area() float64 }

type Sq struct{ s float64 }

func (q Sq) Area() float64 { return q.s * q.s }

type Temp float32

func area() (float64, bool) { return 2.25, true }

func main() {
	var s Shape
	println("nil shape:", s)
	s = Sq{1.5}
	println("area", s.Area(), s != nil)
	var err error = errors.New("boom")
	var none error
	println(err != nil, none)
	x := 1
	defer println("deferred x =", x)
	x = 2
	println(
		"multi",
		Temp(36.6),
		x,
	)
	println(area())
	print("no", "spaces", 3, 4.5, "\n")
	var b []byte
	println(b, len("héllo"), 'é', 7/2, -7%3, 1<<62, uint64(1)<<63)
	println(1e-7, 100000000.0, 123456789.0, float32(1)/3, 2.0/3)
}
