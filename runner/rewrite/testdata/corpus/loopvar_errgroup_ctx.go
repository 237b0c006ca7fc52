package main

import (
	"context"
	"errors"
	"fmt"
	"golang.org/x/sync/errgroup"
	"sort"
	"sync"
)

func main() {
	g, ctx := errgroup.WithContext(context.Background())
	urls := []string{"a", "b", "bad", "c"}
	var mu sync.Mutex
	var done []string
	for _, u := range urls {
		g.Go(func() error {
			if u == "bad" {
				return errors.New("fetch " + u + ": failed")
			}
			mu.Lock()
			done = append(done, u)
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	fmt.Println("err:", err, "ctx:", ctx.Err())
	sort.Strings(done)
	fmt.Println(done)
}
