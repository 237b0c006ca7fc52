package chapter

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark/ast"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*/*.txtar")

// golden runs fn on the named input section of every archive in dir and
// compares what it returns with the archive's "want" section.
func golden(t *testing.T, dir string, fn func(t *testing.T, a *txtar.Archive) string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			require.NoError(t, err)
			got := fn(t, a)
			i := section(a, "want")
			if *update {
				if i < 0 {
					a.Files = append(a.Files, txtar.File{Name: "want"})
					i = len(a.Files) - 1
				}
				a.Files[i].Data = []byte(got)
				require.NoError(t, os.WriteFile(file, txtar.Format(a), 0o644))
				return
			}
			require.GreaterOrEqual(t, i, 0, "%s has no want section (run with -update)", file)
			require.Equal(t, string(a.Files[i].Data), got, "%s: got differs from want", file)
		})
	}
}

func section(a *txtar.Archive, name string) int {
	for i, f := range a.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func data(t *testing.T, a *txtar.Archive, name string) []byte {
	i := section(a, name)
	require.GreaterOrEqual(t, i, 0, "archive has no %s section", name)
	return a.Files[i].Data
}

// dump prints what the parser found, one fact a line.
func dump(ch *Chapter, err error) string {
	var b strings.Builder
	for _, c := range ch.Cells {
		kind := "fragment"
		if c.Program {
			kind = "program"
		}
		fmt.Fprintf(&b, "cell %s line=%d code=%d %s", c.Name, c.Line, c.CodeLine, kind)
		if c.Title != "" {
			fmt.Fprintf(&b, " title=%q", c.Title)
		}
		if c.Timeout != 0 {
			fmt.Fprintf(&b, " timeout=%v", c.Timeout)
		}
		if c.Fails != nil {
			fmt.Fprintf(&b, " fails=%q", c.Fails.String())
		}
		if c.Engine != "" {
			fmt.Fprintf(&b, " engine=%s", c.Engine)
		}
		if c.Race {
			b.WriteString(" race")
		}
		if c.NoRun {
			b.WriteString(" norun")
		}
		if c.Unchecked {
			b.WriteString(" unchecked")
		}
		if c.File {
			b.WriteString(" file")
		}
		if len(c.With) > 0 {
			fmt.Fprintf(&b, " with=%q", c.With)
		}
		for _, u := range c.Uses {
			fmt.Fprintf(&b, " uses=%s", u.Name)
		}
		if c.Invalid != nil {
			b.WriteString(" invalid")
		}
		if c.Indent != "" {
			fmt.Fprintf(&b, " indent=%q", c.Indent)
		}
		if in := blockContainers(c.Node); in != "" {
			fmt.Fprintf(&b, " in=%s", in)
		}
		fmt.Fprintf(&b, "\n  code %q\n", c.Code)
		for _, o := range c.Outputs {
			fmt.Fprintf(&b, "  output %s line=%d unordered=%v %q\n", o.Stream, o.Line, o.Unordered, o.Text)
		}
	}
	for _, e := range ch.Expects {
		fmt.Fprintf(&b, "expect line=%d %q\n", e.Line, e.Text)
	}
	if ch.FrontMatter != "" {
		fmt.Fprintf(&b, "front matter %q\n", ch.FrontMatter)
	}
	if err != nil {
		fmt.Fprintf(&b, "error:\n%s\n", err)
	}
	return b.String()
}

// blockContainers names the admonitions and content tabs around n,
// outermost first. Lists and quotes show in the indentation already.
func blockContainers(n ast.Node) string {
	var in []string
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p := p.(type) {
		case *Admonition:
			in = append([]string{"admonition:" + p.Classes[0]}, in...)
		case *Tab:
			in = append([]string{fmt.Sprintf("tab:%d:%q", p.Parent().(*TabbedSet).Index, p.Title)}, in...)
		}
	}
	return strings.Join(in, "/")
}

func TestParseGolden(t *testing.T) {
	golden(t, "parse", func(t *testing.T, a *txtar.Archive) string {
		ch, err := Parse("chapter.md", data(t, a, "chapter.md"))
		require.NotNil(t, ch)
		return dump(ch, err)
	})
}

// TestUpdateGolden rewrites a chapter with the results given as JSON (cell
// name to Result) and compares the whole new file.
func TestUpdateGolden(t *testing.T) {
	golden(t, "update", func(t *testing.T, a *txtar.Archive) string {
		ch, err := Parse("chapter.md", data(t, a, "chapter.md"))
		require.NoError(t, err)
		results := map[string]*Result{}
		require.NoError(t, json.Unmarshal(data(t, a, "results.json"), &results))
		for name, r := range results {
			c := ch.Cell(name)
			require.NotNil(t, c, "results name a cell the chapter lacks: %s", name)
			Verify(ch.Path, c, r)
		}
		src, changed, err := Update(ch, results)
		out := fmt.Sprintf("changed: %v\n", changed)
		if err != nil {
			out += fmt.Sprintf("error: %v\n", err)
		}
		// The rewritten chapter parses to the same cells, with the new
		// outputs.
		again, perr := Parse("chapter.md", src)
		require.NoError(t, perr, "the updated chapter does not parse:\n%s", src)
		require.Len(t, again.Cells, len(ch.Cells))
		for name, r := range results {
			c := again.Cell(name)
			if o := c.Output("stdout"); o != nil && r.Status != Skip && OnlyMismatch(c, r) && notText(r.Stdout) == "" {
				require.True(t, Match(o.Text, r.Stdout, o.Unordered), "cell %s: updated block %q does not match %q", name, o.Text, r.Stdout)
			}
		}
		return out + string(src)
	})
}

func TestMatchMasks(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"took 1.5s", "took 220ms", true},
		{"took 1m2.5s", "took 3µs", true},
		{"took 1.5s", "took fast", false},
		{"n = 12", "n = 13", false},
		{"at 0xc000012345", "at 0xc0000abcde", true},
		{"goroutine 7 [running]", "goroutine 12 [running]", true},
		{"Goroutine 9 (running) created at:", "Goroutine 31 (running) created at:", true},
		{"a\r\nb  \n\n", "a\nb", true},
	} {
		require.Equal(t, tc.ok, Match(tc.want, tc.got, false), "%q vs %q", tc.want, tc.got)
	}
	require.True(t, Match("b\na\n", "a\nb\n", true))
	require.False(t, Match("b\na\n", "a\nb\n", false))
}
