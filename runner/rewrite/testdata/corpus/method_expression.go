package main

import (
	"fmt"
)

type T struct{ n int }

func (t T) Double() int { return t.n * 2 }

func main() {
	f := T.Double
	fmt.Println(f(T{21}))
}
