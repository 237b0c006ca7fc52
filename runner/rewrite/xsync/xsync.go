// Package xsync holds the yaegi symbol tables of golang.org/x/sync/errgroup
// and golang.org/x/sync/semaphore, so that interpreted cells can import them.
//
// Load them after the standard library:
//
//	i.Use(stdlib.Symbols)
//	i.Use(xsync.Symbols)
package xsync

import "reflect"

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract golang.org/x/sync/errgroup golang.org/x/sync/semaphore

// Symbols maps "importpath/name" to the exported symbols of each package, in
// the form interp.Interpreter.Use expects.
var Symbols = map[string]map[string]reflect.Value{}
