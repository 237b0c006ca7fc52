package main

import (
	"errors"
	"fmt"
)

type Both struct{}

func (Both) Error() string  { return "as error" }
func (Both) String() string { return "as stringer" }

type MyErr struct{ Code int }

func (e *MyErr) Error() string { return fmt.Sprintf("code %d", e.Code) }

// If an operand implements error, Error is used before String.
func main() {
	fmt.Println(Both{})
	fmt.Printf("%v %s %q\n", Both{}, Both{}, Both{})
	var err error = &MyErr{404}
	fmt.Println(err)
	fmt.Printf("%v|%+v|%d\n", err, err, 3)
	w := fmt.Errorf("wrap: %w", err)
	fmt.Println(w, errors.Unwrap(w) == err)
	fmt.Println(errors.Join(errors.New("a"), errors.New("b")))
	var nilErr error
	fmt.Println(nilErr, nilErr == nil)
}
