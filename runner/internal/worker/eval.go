package worker

import (
	"errors"
	"fmt"
	"os"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// Eval interprets a complete program in this process, in a fresh
// interpreter loaded as the worker loads one for a program (the packages
// it imports, and those programExports adds), writing to the process's standard output and error; os.Exit
// ends the process, as it ends a compiled program. It is for tests that
// run programs under the interpreter outside a worker (runner/rewrite's
// corpus), each in a child process of its own, since a panic in an
// interpreted goroutine ends the process. A panic of main is returned as a
// *PanicError; another error means the program did not build.
func Eval(src string) error {
	i := interp.New(interp.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	all := exports()
	if err := i.Use(programExports(all, exportKeys(all), programImports(src))); err != nil {
		return err
	}
	if err := i.Use(interp.Exports{"os/os": {"Exit": reflect.ValueOf(os.Exit)}}); err != nil {
		return err
	}
	_, err := i.Eval(src)
	var p interp.Panic
	if errors.As(err, &p) {
		v := p.Value
		if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
			v = rv.Interface()
		}
		return &PanicError{Value: v}
	}
	return err
}

// A PanicError is a panic of an interpreted program's main goroutine.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
