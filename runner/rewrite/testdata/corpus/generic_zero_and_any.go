package main

import "fmt"

func Zero[T any]() T {
	var z T
	return z
}

func Index[T comparable](xs []T, x T) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

type List[T any] struct {
	head *node[T]
	n    int
}

type node[T any] struct {
	v    T
	next *node[T]
}

func (l *List[T]) Add(v T) { l.head = &node[T]{v, l.head}; l.n++ }

func (l *List[T]) Each(f func(T)) {
	for n := l.head; n != nil; n = n.next {
		f(n.v)
	}
}

func main() {
	fmt.Printf("%q %v %v\n", Zero[string](), Zero[int](), Zero[*int]() == nil)
	fmt.Println(Index([]string{"a", "b"}, "b"), Index([]float64{1.5}, 2))
	var l List[int]
	l.Add(1)
	l.Add(2)
	l.Each(func(v int) { fmt.Print(v, " ") })
	fmt.Println(l.n)
}
