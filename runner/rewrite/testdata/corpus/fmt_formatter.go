package main

import (
	"fmt"
	"strings"
)

type Celsius float64

// Format gives a type full control of its formatting.
func (c Celsius) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		if f.Flag('+') {
			fmt.Fprintf(f, "%.1f°C (plus)", float64(c))
			return
		}
		fmt.Fprintf(f, "%.1f°C", float64(c))
	default:
		w, ok := f.Width()
		fmt.Fprintf(f, "%%!%c(Celsius %v %d %v)", verb, float64(c), w, ok)
	}
}

func main() {
	c := Celsius(21.5)
	fmt.Println(c)
	fmt.Printf("%v|%+v|%s|%5d|%x\n", c, c, c, c, c)
	fmt.Println([]Celsius{1, 2})
	fmt.Println(strings.ToUpper(fmt.Sprint(c)))
}
