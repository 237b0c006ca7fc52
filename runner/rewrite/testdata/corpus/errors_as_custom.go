package main

import (
	"errors"
	"fmt"
)

type TimeoutError struct{ Op string }

func (e *TimeoutError) Error() string { return e.Op + ": timeout" }

func call() error { return fmt.Errorf("wrapped: %w", &TimeoutError{"dial"}) }

func main() {
	var te *TimeoutError
	if errors.As(call(), &te) {
		fmt.Println("timeout in", te.Op)
	}
}
