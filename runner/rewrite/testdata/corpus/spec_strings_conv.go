package main

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

func main() {
	fmt.Println(string(rune(65)), string(rune(-1)), string(rune(0x10FFFF+1)) == "\uFFFD")
	s := "héllo, 世界"
	fmt.Println(len(s), utf8.RuneCountInString(s), s[1], s[1:3], []byte(s[:3]))
	r := []rune(s)
	fmt.Println(len(r), string(r[7:]), r[1])
	fmt.Println(string([]byte{104, 105}), []byte("hi"))
	fmt.Println(strconv.Quote(s), strconv.QuoteToASCII(s), strconv.Itoa(-42))
	n, err := strconv.Atoi("12a")
	fmt.Println(n, err)
	b := []byte("abc")
	t := string(b)
	b[0] = 'X'
	fmt.Println(t, string(b))
}
