package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	select {
	case <-time.After(time.Second):
		fmt.Println("work done")
	case <-ctx.Done():
		fmt.Println("stopped:", ctx.Err())
	}
	fmt.Println(errors.Is(ctx.Err(), context.DeadlineExceeded))
}
