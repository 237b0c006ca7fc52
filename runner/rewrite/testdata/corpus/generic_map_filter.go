package main

import (
	"fmt"
	"strconv"
)

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Reduce[T, A any](xs []T, init A, f func(A, T) A) A {
	acc := init
	for _, x := range xs {
		acc = f(acc, x)
	}
	return acc
}

func isEven(n int) bool { return n%2 == 0 }

func main() {
	xs := []int{1, 2, 3, 4}
	fmt.Println(Map[int, string](xs, strconv.Itoa))
	fmt.Println(Filter(xs, isEven))
	fmt.Println(Reduce[int, int](xs, 0, func(a, x int) int { return a + x }))
	fmt.Printf("%q\n", Map(xs, strconv.Itoa))
}
