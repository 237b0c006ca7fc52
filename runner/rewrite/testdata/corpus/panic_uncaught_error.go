package main

import "fmt"

type CodeErr struct{ Code int }

func (e CodeErr) Error() string { return fmt.Sprintf("code %d", e.Code) }

// An uncaught panic with an error value prints its Error text.
func main() {
	fmt.Println("before")
	panic(CodeErr{7})
}
