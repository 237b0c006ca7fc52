package chapter

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/tools/txtar"
)

// seedChapters adds the chapters of the golden archives and of the book to
// a fuzz corpus.
func seedChapters(f *testing.F) {
	archives, _ := filepath.Glob("testdata/*/*.txtar")
	for _, file := range archives {
		a, err := txtar.ParseFile(file)
		if err == nil && len(a.Files) > 0 {
			f.Add(a.Files[0].Data)
		}
	}
	books, _ := filepath.Glob("../../chapters/*.md")
	for _, file := range books {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("```go\nx := 1\n```\n```output\n1\n```\n"))
	f.Add([]byte("- a\n\n  ```{.go name=\"q\"}\n  fmt.Println()\n  ```\n> ```go\n> x\n> ```\n"))
	f.Add([]byte("!!! note\n    ```go\n    x\n    ```\n\n=== \"Go\"\n    ```go\n    y\n    ```\n===! \"B\"\n    ???+ tip\n        ```go\n        z\n        ```\n"))
}

// FuzzParse: the parser never panics, and -update followed by a parse gives
// the same cells, with every byte outside output blocks kept.
func FuzzParse(f *testing.F) {
	seedChapters(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		ch, err := Parse("f.md", src)
		if ch == nil {
			t.Fatalf("Parse returned no chapter (err %v)", err)
		}
		if err != nil {
			return
		}
		// Every cell stands in the tree the site renders.
		for _, c := range ch.Cells {
			var root ast.Node = c.Node
			for root != nil && root.Parent() != nil {
				root = root.Parent()
			}
			if c.Node == nil || root != ch.Doc {
				t.Fatalf("cell %s is not a node of the chapter's tree", c.Name)
			}
		}
		// Give every cell an output derived from its code, so blocks are
		// both created and rewritten.
		results := map[string]*Result{}
		for i, c := range ch.Cells {
			out := strings.ToUpper(c.Code)
			if i%3 == 2 {
				out = "```\n" + out
			}
			results[c.Name] = &Result{Stdout: out}
			Verify(ch.Path, c, results[c.Name])
		}
		src2, _, uerr := Update(ch, results)
		if uerr != nil && strings.Contains(uerr.Error(), "not updated: ") {
			if !bytes.Equal(src2, src) {
				t.Fatalf("a refused update changed the chapter")
			}
			return // refused, safely: nothing written
		}
		ch2, err := Parse("f.md", src2)
		if err != nil {
			t.Fatalf("the updated chapter does not parse: %v\n--- before\n%s\n--- after\n%s", err, src, src2)
		}
		if len(ch2.Cells) != len(ch.Cells) {
			t.Fatalf("cells: %d before -update, %d after\n--- after\n%s", len(ch.Cells), len(ch2.Cells), src2)
		}
		for i, c := range ch.Cells {
			c2 := ch2.Cells[i]
			// A name derived from the line moves with the line.
			if !c.Unnamed && c.Name != c2.Name || c.Code != c2.Code || c.Info != c2.Info {
				t.Fatalf("cell %d changed: %q %q -> %q %q", i, c.Name, c.Code, c2.Name, c2.Code)
			}
		}
		// A block created after a last line without a newline first ends
		// that line: the one byte -update may add outside blocks.
		if a, b := outsideOutputs(ch), outsideOutputs(ch2); a != b && !(len(src) > 0 && src[len(src)-1] != '\n' && a+"\n" == b) {
			t.Fatalf("text outside output blocks changed:\n--- before\n%q\n--- after\n%q", a, b)
		}
	})
}

// FuzzAttrs: the attribute parser never panics, and what it accepts prints
// back to something it parses to the same attributes.
func FuzzAttrs(f *testing.F) {
	for _, s := range []string{`title="a.go" timeout="2s"`, `norun`, `fails='panic: x' race`, `a=b c="d e"`, `x="`, `=`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		attrs, err := ParseAttrs(s)
		if err != nil {
			return
		}
		var parts []string
		for _, a := range attrs {
			switch {
			case a.Flag:
				parts = append(parts, a.Key)
			case !strings.Contains(a.Value, `"`):
				parts = append(parts, a.Key+`="`+a.Value+`"`)
			default:
				parts = append(parts, a.Key+`='`+a.Value+`'`)
			}
		}
		again, err := ParseAttrs(strings.Join(parts, " "))
		if err != nil {
			t.Fatalf("%q parsed to %v, which prints to %q, which does not parse: %v", s, attrs, strings.Join(parts, " "), err)
		}
		if len(again) != len(attrs) {
			t.Fatalf("%q: %v then %v", s, attrs, again)
		}
		for i := range attrs {
			if attrs[i] != again[i] {
				t.Fatalf("%q: %v then %v", s, attrs, again)
			}
		}
	})
}

// FuzzExpect: the expectation parser never panics, and an expectation it
// accepts evaluates without panicking for any core count.
func FuzzExpect(f *testing.F) {
	for _, s := range []string{
		"speedup a over b >= 0.8 * min(cores, 20) ideal 20 / ceil(20 / min(cores, 20))",
		"speedup a over b <= 1.25",
		"speedup a over b >= (1 + 2) * -3 / 0",
		"speedup a over b >= max(floor(cores / 2), 1)",
		"speedup a over",
		`speedup "waiting 4 at once" over "waiting 4 in a row" in classify >= 2.5 ideal 4`,
		`speedup "a\"b" over c in d <= 1`,
		"parallelism a >= 0.7 * min(cores, 20) ideal min(cores, 20)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseExpect(&Expect{Line: 1, Text: s})
		if err != nil || x == nil {
			return
		}
		if x.Cell == "" || x.Over == "" && x.Kind == "speedup" || len(x.Cells()) == 0 {
			t.Fatalf("%q: parsed with an empty operand: %+v", s, x)
		}
		_ = x.Bound.String()
		for _, cores := range []int{1, 2, 64} {
			v, err := x.Bound.Eval(cores)
			if err == nil && math.IsNaN(v) {
				t.Logf("%q: NaN bound at %d cores", s, cores)
			}
		}
	})
}
