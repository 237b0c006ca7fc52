package main

import (
	"fmt"
	"runtime"
)

func try(name string, f func()) {
	defer func() {
		r := recover()
		_, isRuntime := r.(runtime.Error)
		fmt.Printf("%s: %v (runtime.Error: %v)\n", name, r, isRuntime)
	}()
	f()
}

// The texts of recovered runtime errors for indexing and slicing.
func main() {
	s := []int{1, 2, 3}
	i, j := 5, 1
	try("index", func() { _ = s[i] })
	try("negative", func() { k := -1; _ = s[k] })
	try("slice high", func() { _ = s[:i] })
	try("slice inverted", func() { _ = s[2:j] })
	try("slice3", func() { _ = s[0:1:i] })
	arr := [2]int{}
	try("array", func() { _ = arr[i%4] })
	str := "abc"
	try("string", func() { _ = str[i] })
	try("string slice", func() { _ = str[i:] })
	try("slice to array", func() { _ = [4]int(s) })
}
