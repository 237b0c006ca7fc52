package main

import "fmt"

// The fmt documentation's format errors.
func main() {
	fmt.Printf("%d\n", "hi")
	fmt.Printf("%d %d\n", 1)
	fmt.Printf("%d\n", 1, 2)
	fmt.Printf("%!\n")
	fmt.Printf("%z\n", 3)
	fmt.Printf("%.2d|%s\n", 7, nil)
	fmt.Printf("%d\n", nil)
	fmt.Println(fmt.Sprintf("%[2]d %[1]d", 1, 2), fmt.Sprintf("%[3]d", 1))
	fmt.Println(fmt.Sprint("a", 1, 2, "b", 3.5, true), fmt.Sprint(1, 2), fmt.Sprintln("x", 1))
}
