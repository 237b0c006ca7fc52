package site

import (
	"bytes"
	"context"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
)

// TestCellHeadRouted: a cell's header names the engine that ran it and,
// for a cell routed to the toolchain, why.
func TestCellHeadRouted(t *testing.T) {
	src := "```go\npackage main\n```\n\n```go\npackage main\n```\n"
	s := loadOne(t, src, &report.Report{Results: []*chapter.Result{
		{Cell: "L1", Status: chapter.Pass, Engine: "go", Routed: `import "os/exec": not in the interpreter`},
		{Cell: "L5", Status: chapter.Pass, Engine: "yaegi"},
	}})
	got, _ := s.Content("index.md")
	assert.Contains(t, got, `<span class="cell-meta">go: import &#34;os/exec&#34;: not in the interpreter · `)
	assert.Contains(t, got, `<span class="cell-meta">yaegi · `)
}

// TestCommandEngineAuto: the site runs chapters with the engine auto
// unless -engine says otherwise.
func TestCommandEngineAuto(t *testing.T) {
	cfg := commandBook(t, "# Hello\n")
	var engines []string
	newRun := func(engine string) RunFunc {
		engines = append(engines, engine)
		return nil
	}
	var stdout, stderr bytes.Buffer
	Command(context.Background(), []string{"-config", cfg, "-cache", ""}, newRun, &stdout, &stderr)
	assert.Equal(t, []string{"auto"}, engines)
}
