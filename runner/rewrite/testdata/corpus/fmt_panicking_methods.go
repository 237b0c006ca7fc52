package main

import (
	"errors"
	"fmt"
)

type Bomb struct{}

func (Bomb) String() string { panic("boom") }

type T struct{ n int }

func (t *T) String() string { return fmt.Sprint("T", t.n) }

type E struct{}

func (*E) Error() string { panic(errors.New("bad error")) }

// fmt catches panics in String and Error methods; a nil receiver prints
// <nil>.
func main() {
	fmt.Println(Bomb{})
	fmt.Printf("%s|%d\n", Bomb{}, Bomb{})
	var t *T
	fmt.Println(t)
	fmt.Printf("[%v] [%s]\n", t, t)
	fmt.Println(&E{})
}
