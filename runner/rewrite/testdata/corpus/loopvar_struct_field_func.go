package main

import (
	"fmt"
)

type task struct {
	name string
	run  func() string
}

func main() {
	var tasks []task
	for i := 0; i < 3; i++ {
		tasks = append(tasks, task{name: fmt.Sprint("t", i), run: func() string { return fmt.Sprint("ran ", i) }})
	}
	for _, t := range tasks {
		fmt.Println(t.name, t.run())
	}
}
