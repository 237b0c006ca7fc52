package main

import (
	"fmt"
	"golang.org/x/sync/errgroup"
)

func main() {
	var g errgroup.Group
	sums := make([]int, 4)
	for i := range 4 {
		g.Go(func() error {
			sums[i] = i * 10
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(sums)
}
