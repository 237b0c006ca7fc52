package main

import (
	"fmt"
)

type temporary interface{ Temporary() bool }

type netErr struct{}

func (netErr) Error() string   { return "net" }
func (netErr) Temporary() bool { return true }

func get() error { return netErr{} }

func main() {
	if t, ok := get().(temporary); ok {
		fmt.Println("temporary:", t.Temporary())
	} else {
		fmt.Println("not temporary")
	}
}
