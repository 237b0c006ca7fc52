package main

import (
	"errors"
	"fmt"
	"os"
)

type CodeErr struct{ Code int }

func (e CodeErr) Error() string { return fmt.Sprintf("code %d", e.Code) }

func try(f func()) {
	defer func() {
		r := recover()
		fmt.Printf("%v | %T\n", r, r)
	}()
	f()
}

// Panic values come back from recover unchanged.
func main() {
	try(func() { panic("a string") })
	try(func() { panic(42) })
	try(func() { panic(errors.New("an error")) })
	try(func() { panic(CodeErr{7}) })
	try(func() { panic(fmt.Sprintf("%d%%", 50)) })
	try(func() { panic(os.ErrNotExist) })
	fmt.Println(recover())
	func() {
		defer func() {
			fmt.Println("outer:", recover())
		}()
		defer func() {
			r := recover()
			panic(fmt.Sprint("again: ", r))
		}()
		panic("first")
	}()
}
