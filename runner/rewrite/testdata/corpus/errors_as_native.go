package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

func main() {
	_, err := os.Open("/definitely/not/here")
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Println("op:", pe.Op)
	}
}
