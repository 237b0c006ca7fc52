package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	var b strings.Builder
	for i := 3; i > 0; i-- {
		fmt.Fprintf(&b, "%d...", i)
	}
	b.WriteString("go")
	fmt.Println(b.String(), b.Len())
	words := strings.Fields(" the quick  brown fox ")
	sort.Strings(words)
	fmt.Println(words, len(words))
	fmt.Println(strings.Repeat("ab", 3), strings.Title("x"), strings.Split("a,b,,c", ","))
	fmt.Printf("%q\n", strings.SplitN("a=b=c", "=", 2))
	r := strings.NewReplacer("a", "1", "b", "2")
	fmt.Println(r.Replace("abcab"), strings.EqualFold("Go", "GO"))
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	fmt.Println(keys)
}
