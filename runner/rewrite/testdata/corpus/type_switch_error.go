package main

import (
	"fmt"
)

type NotFound struct{ Key string }

func (e NotFound) Error() string { return "not found: " + e.Key }

func lookup(k string) error { return NotFound{k} }

func main() {
	switch e := lookup("x").(type) {
	case NotFound:
		fmt.Println("missing", e.Key)
	default:
		fmt.Println("other", e)
	}
}
