package main

import (
	"errors"
	"fmt"
)

var x = "package"

func find(ok bool) (err error) {
	if ok {
		err := errors.New("inner") // shadows the result
		_ = err
		return nil
	}
	return errors.New("outer")
}

func main() {
	fmt.Println(x)
	x := "main"
	{
		x := "block"
		fmt.Println(x)
	}
	if x := 3; x > 2 {
		fmt.Println(x)
	}
	fmt.Println(x, find(true), find(false))
	n, err := 1, error(nil)
	if true {
		n, err := 2, errors.New("shadow")
		_, _ = n, err
	}
	fmt.Println(n, err)
}
