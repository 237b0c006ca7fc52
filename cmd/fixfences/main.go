// Command fixfences rewrites the opening lines of Go fences written in the
// bare form with attributes MkDocs does not accept there
// (```go name="a" unchecked) into the attribute-list form
// (```{.go name="a" .unchecked}), in place, leaving every other byte of the
// file as it was (runner/doc.go, Cells). It takes files and directories:
// in a directory, every .md and .txtar file, and the string literals of
// every .go file. It prints each line it changed as file:line.
//
//	go run ./cmd/fixfences chapters/new.md
package main

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fixfences FILE|DIR...")
		os.Exit(2)
	}
	status := 0
	for _, arg := range os.Args[1:] {
		err := filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch ext := filepath.Ext(p); {
			case p == arg || ext == ".md" || ext == ".txtar" || ext == ".go":
				return fixFile(p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
		}
	}
	os.Exit(status)
}

func fixFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out string
	var n int
	if filepath.Ext(path) == ".go" {
		out, n = fixGo(path, src)
	} else {
		out, n = fixLines(path, 1, string(src))
	}
	if n == 0 {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(out), info.Mode().Perm())
}

// fixLines rewrites the fence lines of text, whose first line is line
// first of path; it returns the text and how many lines changed.
func fixLines(path string, first int, text string) (string, int) {
	lines := strings.SplitAfter(text, "\n")
	n := 0
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		if fixed, ok := chapter.FixFenceLine(body); ok {
			lines[i] = fixed + l[len(body):]
			fmt.Printf("%s:%d: %s\n", path, first+i, strings.TrimSpace(fixed))
			n++
		}
	}
	return strings.Join(lines, ""), n
}

// fixGo rewrites fence lines inside the interpreted string literals of a
// Go source file (chapters written in tests).
func fixGo(path string, src []byte) (string, int) {
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var b strings.Builder
	last, n := 0, 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok != token.STRING || lit[0] != '"' {
			continue
		}
		text, err := strconv.Unquote(lit)
		if err != nil {
			continue
		}
		fixed, k := fixLines(path, fset.Position(pos).Line, text)
		if k == 0 {
			continue
		}
		off := file.Offset(pos)
		b.Write(src[last:off])
		b.WriteString(strconv.Quote(fixed))
		last, n = off+len(lit), n+k
	}
	b.Write(src[last:])
	return b.String(), n
}
