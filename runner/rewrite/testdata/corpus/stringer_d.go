package main

import (
	"fmt"
)

type Celsius int

func (c Celsius) String() string { return fmt.Sprintf("%d°C", int(c)) }

func main() {
	c := Celsius(21)
	fmt.Printf("%d %v %s\n", c, c, c)
}
