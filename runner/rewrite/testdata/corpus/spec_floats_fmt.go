package main

import (
	"fmt"
	"math"
)

func main() {
	for _, f := range []float64{0, 1, 1.5, 1e20, 1e21, 1e-4, 1e-5, 123456789, 0.1 + 0.2, math.Inf(1), math.NaN(), math.Copysign(0, -1)} {
		fmt.Print(f, " ")
	}
	fmt.Println()
	fmt.Printf("%g %e %.3f %8.2f| %-8.2f| %+.1e %G\n", 1e6, 123.456, math.Pi, math.E, 2.5, 12345.678, 1e-10)
	fmt.Println(float32(0.1), float64(float32(0.1)), 1/3.0)
	fmt.Println(complex(1, -2), real(3+4i), imag(3+4i))
	fmt.Printf("%v %.2f\n", 2+3i, 1.234+5.678i)
	var z float64
	fmt.Println(1/z, -1/z, z/z == z/z)
}
