package main

import "fmt"

func main() {
	s := []string{"a"}
	i := 3
	fmt.Println("before")
	fmt.Println(s[i])
}
