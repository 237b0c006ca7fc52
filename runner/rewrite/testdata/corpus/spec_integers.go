package main

import (
	"fmt"
	"math"
)

// Integer arithmetic: wrap-around, truncated division, shifts.
func main() {
	var i8 int8 = 127
	i8++
	var u uint8 = 0
	u--
	fmt.Println(i8, u)
	fmt.Println(-7/2, -7%2, 7/-2, 7%-2)
	x := math.MinInt64
	fmt.Println(x/-1 == x, x%-1)
	var s uint = 70
	one := 1
	fmt.Println(one<<s, -8>>1, uint32(1)<<31, int32(-1)>>31)
	fmt.Println(math.MaxInt64, math.MaxUint32, uint64(math.MaxUint64))
	var f float64 = 2.9
	fmt.Println(int(f), int(-f), uint8(int(258)&0xff))
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		n := -1
		fmt.Println(1 << n)
	}()
}
