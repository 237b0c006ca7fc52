package main

import (
	"context"
	"fmt"
)

type key string

func handle(ctx context.Context) {
	fmt.Println("user:", ctx.Value(key("user")))
}

func main() {
	ctx := context.WithValue(context.Background(), key("user"), "gopher")
	handle(ctx)
}
