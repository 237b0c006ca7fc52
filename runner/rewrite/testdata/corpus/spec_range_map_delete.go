package main

import "fmt"

// Deleting a map entry not yet reached during a range means it is not
// produced; whatever the order, deleting all others leaves one iteration.
func main() {
	m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	n := 0
	for k := range m {
		for other := range m {
			if other != k {
				delete(m, other)
			}
		}
		n++
	}
	fmt.Println(n, len(m))
	var nilMap map[string]int
	for range nilMap {
		fmt.Println("never")
	}
	fmt.Println(nilMap["x"], len(nilMap))
}
