package main

import (
	"fmt"
	"strings"
)

func main() {
	for l := range strings.Lines("a\nb\n") {
		fmt.Printf("%q\n", l)
	}
}
