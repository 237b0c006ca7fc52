package main

import "fmt"

// append reuses the backing array when capacity allows, so two slices of
// one array see each other's writes; copy handles overlap.
func main() {
	base := make([]int, 3, 10)
	a := append(base, 1)
	b := append(base, 2)
	fmt.Println(a[3], b[3], len(base), cap(a))
	full := []int{1, 2, 3}
	c := append(full, 4)
	c[0] = 99
	fmt.Println(full[0], c[0])
	s := []int{1, 2, 3, 4, 5}
	n := copy(s[1:], s)
	fmt.Println(n, s)
	fmt.Println(copy(s, "ignored"[:0]), s[:2:2], cap(s[:2:2]))
	bs := make([]byte, 3)
	fmt.Println(copy(bs, "héllo"), bs)
	var nilS []int
	nilS = append(nilS, nilS...)
	fmt.Println(nilS == nil, len(nilS))
}
