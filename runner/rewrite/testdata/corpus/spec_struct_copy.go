package main

import "fmt"

type Inner struct{ vals []int }
type Outer struct {
	in  Inner
	arr [2]int
	m   map[string]int
}

// Assigning a struct copies its fields: arrays are copied, slices and maps
// share their contents.
func main() {
	a := Outer{Inner{[]int{1}}, [2]int{1, 2}, map[string]int{"k": 1}}
	b := a
	b.arr[0] = 100
	b.in.vals[0] = 100
	b.m["k"] = 100
	fmt.Println(a.arr, a.in.vals, a.m["k"])
	people := map[string]Outer{"x": a}
	o := people["x"]
	o.arr[1] = 7
	fmt.Println(people["x"].arr, o.arr)
	ptrs := map[string]*Outer{"y": &a}
	ptrs["y"].arr[1] = 9
	fmt.Println(a.arr)
	arrs := [][2]int{{1, 2}}
	for _, v := range arrs {
		v[0] = 5
	}
	fmt.Println(arrs)
	for i := range arrs {
		arrs[i][0] = 5
	}
	fmt.Println(arrs)
}
