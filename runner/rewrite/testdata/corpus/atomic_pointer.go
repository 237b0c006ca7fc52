package main

import (
	"fmt"
	"sync/atomic"
)

type config struct{ name string }

func main() {
	var p atomic.Pointer[config]
	p.Store(&config{"v1"})
	fmt.Println(p.Load().name)
}
