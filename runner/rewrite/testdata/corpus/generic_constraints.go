package main

import (
	"cmp"
	"fmt"
)

type Number interface {
	~int | ~int64 | ~float64
}

type Meters float64

func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Largest[T cmp.Ordered](a T, rest ...T) T {
	m := a
	for _, x := range rest {
		if x > m {
			m = x
		}
	}
	return m
}

func Keys[K comparable, V any](m map[K]V) int { return len(m) }

func main() {
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.5), Sum[Meters](1, 2.5))
	fmt.Println(Largest(3, 9, 2), Largest("b", "a", "c"), Largest(2.5))
	fmt.Println(Keys(map[string]int{"a": 1}))
	fmt.Printf("%T %v\n", Sum[Meters](1), cmp.Compare(1, 2))
}
