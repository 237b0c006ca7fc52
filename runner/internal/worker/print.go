package worker

import (
	"fmt"
	"os"
	"reflect"
	"strconv"

	"github.com/concurrency101/book/runner/rewrite"
	"github.com/traefik/yaegi/interp"
)

// The builtins print and println, as gc compiles them: the rewrite turns
// each call into a call of Print or Println with a pointer to a temporary
// per operand (see rewrite.RuntimePath), and these format each operand by
// its static type, the pointer's element type, as runtime/print.go does in
// Go 1.26, and write the whole line to standard error in one write.

// printExports is the package rewrite.RuntimePath.
func printExports() interp.Exports {
	key := rewrite.RuntimePath + "/" + rewrite.RuntimePath
	return interp.Exports{key: {
		"Print":   reflect.ValueOf(func(ops ...any) { writePrint(false, ops) }),
		"Println": reflect.ValueOf(func(ops ...any) { writePrint(true, ops) }),

		"RangeString": reflect.ValueOf(RangeString),
		"StringRune":  reflect.ValueOf((*StringRune)(nil)),
	}}
}

// A StringRune is one iteration of a range over a string.
type StringRune struct {
	Off  int  // byte offset of the code point
	Rune rune // the code point, or utf8.RuneError for an invalid byte
}

// RangeString returns the iterations of `for i, r := range s` as gc runs
// them (see rewrite.RuntimePath).
func RangeString(s string) []StringRune {
	out := make([]StringRune, 0, len(s))
	for i, r := range s {
		out = append(out, StringRune{i, r})
	}
	return out
}

func writePrint(ln bool, ops []any) {
	_, _ = os.Stderr.Write(formatPrint(ln, ops))
}

// formatPrint formats the operands: println separates them with spaces
// and ends with a newline, print writes them back to back.
func formatPrint(ln bool, ops []any) []byte {
	var b []byte
	for i, op := range ops {
		if ln && i > 0 {
			b = append(b, ' ')
		}
		v := reflect.ValueOf(op)
		if v.Kind() != reflect.Pointer || v.IsNil() {
			panic(fmt.Sprintf("print: operand %d is %T, not a pointer to the operand (the rewrite passes one)", i, op))
		}
		b = appendOperand(b, v.Elem())
	}
	if ln {
		b = append(b, '\n')
	}
	return b
}

// appendOperand formats one operand as the runtime's print functions do:
// printint, printuint, printfloat64/32 (shortest 'g'), printcomplex,
// printbool, printstring, printpointer (hex), printslice ([len/cap]ptr)
// and printeface/printiface ((type,data) words).
func appendOperand(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	case reflect.Complex64:
		return append(b, strconv.FormatComplex(v.Complex(), 'g', -1, 64)...)
	case reflect.Complex128:
		return append(b, strconv.FormatComplex(v.Complex(), 'g', -1, 128)...)
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.String:
		return append(b, v.String()...)
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return appendHex(b, uint64(v.Pointer()))
	case reflect.Slice:
		b = fmt.Appendf(b, "[%d/%d]", v.Len(), v.Cap())
		return appendHex(b, uint64(v.Pointer()))
	case reflect.Interface:
		return appendIface(b, v.IsNil(), v)
	}
	if isInterpIface(v.Type()) {
		// An interface type the interpreter declared: a value of its own
		// struct type, whose field "value" holds the dynamic value.
		inner := v.FieldByName("value")
		return appendIface(b, !inner.IsValid() || inner.IsZero(), v)
	}
	panic(fmt.Sprintf("illegal types for operand: print\n\t%s", v.Type()))
}

// appendIface writes an interface's two words. Their values are addresses
// of the process (a comparison masks them); a nil interface is (0x0,0x0).
func appendIface(b []byte, isNil bool, v reflect.Value) []byte {
	if isNil {
		return append(b, "(0x0,0x0)"...)
	}
	typ := reflect.ValueOf(v.Type()).Pointer()
	data := uint64(typ) + 8
	if v.CanAddr() {
		data = uint64(v.Addr().Pointer())
	}
	b = append(b, '(')
	b = appendHex(b, uint64(typ))
	b = append(b, ',')
	b = appendHex(b, data)
	return append(b, ')')
}

func appendHex(b []byte, x uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), x, 16)
}

// isInterpIface reports whether t is the interpreter's representation of
// an interpreted interface value.
func isInterpIface(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == "github.com/traefik/yaegi/interp" && t.Name() == "valueInterface"
}
