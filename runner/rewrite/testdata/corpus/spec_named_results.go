package main

import "fmt"

// Named results start at their zero value at every call.
func g() (n int) {
	for i := 0; i < 2; i++ {
		n++
	}
	return n
}

func h(add int) (s []int, m map[string]int) {
	s = append(s, add)
	if m == nil {
		m = map[string]int{}
	}
	m["calls"]++
	return
}

func main() {
	for i := 0; i < 3; i++ {
		fmt.Println(g())
	}
	for i := 0; i < 2; i++ {
		s, m := h(i)
		fmt.Println(s, m)
	}
}
