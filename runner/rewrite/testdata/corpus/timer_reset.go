package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTimer(time.Hour)
	stopped := t.Stop()
	t.Reset(5 * time.Millisecond)
	<-t.C
	fmt.Println("stopped:", stopped, "fired")
}
