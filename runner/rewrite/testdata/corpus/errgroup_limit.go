package main

import (
	"fmt"
	"golang.org/x/sync/errgroup"
)

func main() {
	var g errgroup.Group
	g.SetLimit(2)
	results := make([]int, 5)
	for i := range results {
		g.Go(func() error {
			results[i] = i * i
			return nil
		})
	}
	fmt.Println(g.Wait(), results)
}
