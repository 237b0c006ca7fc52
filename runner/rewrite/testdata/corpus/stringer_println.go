package main

import (
	"fmt"
)

type State int

const (
	Idle State = iota
	Busy
)

func (s State) String() string { return [...]string{"idle", "busy"}[s] }

func main() {
	fmt.Println(Idle, Busy)
	fmt.Printf("%v\n", []State{Idle, Busy})
}
