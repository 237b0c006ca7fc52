package main

import "fmt"

type Animal interface{ Sound() string }

type Base struct{ Name string }

func (b Base) Describe() string { return "I am " + b.Name }
func (b *Base) Rename(n string) { b.Name = n }

type Dog struct {
	*Base
	Tricks []string
}

func (Dog) Sound() string { return "woof" }

type Loud struct{ Animal }

func (l Loud) Sound() string { return l.Animal.Sound() + "!" }

// Embedding promotes fields and methods, through pointers too; an embedded
// interface is satisfied by the outer type.
func main() {
	d := Dog{&Base{"rex"}, nil}
	d.Rename("max")
	fmt.Println(d.Describe(), d.Name, d.Base.Name)
	var a Animal = d
	fmt.Println(a.Sound(), Loud{a}.Sound())
	var a2 Animal = Loud{Loud{d}}
	fmt.Println(a2.Sound())
	_, isDog := a.(Dog)
	fmt.Println(isDog)
}
