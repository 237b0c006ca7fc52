package main

import (
	"errors"
	"fmt"
)

// Deferred functions may read and change named results after the return
// statement set them; recover turns a panic into an error.
func triple() (n int) {
	defer func() { n *= 3 }()
	return 2
}

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Print(i, " ")
	}
}

func main() {
	fmt.Println(triple())
	fmt.Println(safeDiv(7, 2))
	fmt.Println(safeDiv(1, 0))
	order()
	fmt.Println()
	err := errors.New("x")
	fmt.Println(err != nil)
}
