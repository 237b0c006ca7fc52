package main

import "fmt"

func kind(x any) string {
	switch v := x.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprintf("integer %v", v)
	case string:
		return "string of " + fmt.Sprint(len(v))
	case error:
		return "error " + v.Error()
	case fmt.Stringer:
		return "stringer"
	default:
		return fmt.Sprintf("other %v", v)
	}
}

// Switch statements: fallthrough, no condition, type switches with
// several types in a case (v keeps the interface type).
func main() {
	for i := 0; i < 4; i++ {
		switch {
		case i == 0:
			fmt.Print("zero ")
			fallthrough
		case i == 1:
			fmt.Print("zero-or-one ")
		case i > 2:
			fmt.Print("big ")
		default:
			fmt.Print("two ")
		}
	}
	fmt.Println()
	fmt.Println(kind(nil), "|", kind(3), "|", kind(int64(4)), "|", kind("héllo"), "|", kind(fmt.Errorf("e")), "|", kind(2.5))
}
