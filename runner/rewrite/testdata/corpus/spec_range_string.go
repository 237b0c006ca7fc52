package main

import "fmt"

// The specification, For statements with range clause: for a string, the
// iteration values are the byte index of each UTF-8 encoded code point and
// the code point; an invalid byte yields 0xFFFD and advances one byte.
func main() {
	for i, r := range "\xca\xfeGo" {
		fmt.Println(i, r, string(r))
	}
	for i, r := range "aé😀\xffz" {
		fmt.Printf("%d:%U ", i, r)
	}
	fmt.Println()
	n := 0
	for i := range "héllo" {
		n += i
	}
	fmt.Println(n)
	s := "\xe2\x82"
	for i, r := range s {
		fmt.Println(i, r == 0xFFFD)
	}
	for _, r := range []rune("\xca\xfeGo") {
		fmt.Print(r, " ")
	}
	fmt.Println(len("\xca\xfeGo"), []byte(string(rune(-1))))
}
