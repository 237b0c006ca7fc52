package main

import (
	"fmt"
	"time"
)

func measure(name string) {
	start := time.Now()
	defer report(name, time.Since(start) < time.Hour)
	time.Sleep(2 * time.Millisecond)
}

func report(name string, fast bool) { fmt.Println(name, "fast:", fast) }

func main() { measure("job") }
