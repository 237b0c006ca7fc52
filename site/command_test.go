package site

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandBook writes a one-page book and returns its mkdocs.yml.
func commandBook(t *testing.T, page string) string {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "index.md"), []byte(page), 0o644))
	cfg := filepath.Join(dir, "mkdocs.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("site_name: T\nsite_dir: out\nuse_directory_urls: false\n"), 0o644))
	return cfg
}

// noRun is a newRun for commands that must not run anything.
func noRun(t *testing.T) func(string) RunFunc {
	return func(engine string) RunFunc {
		t.Errorf("the runner was asked for (engine %s)", engine)
		return nil
	}
}

// TestCommand checks the exit codes and messages of the site command.
func TestCommand(t *testing.T) {
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	command := func(args ...string) int {
		stdout.Reset()
		stderr.Reset()
		return Command(ctx, args, noRun(t), &stdout, &stderr)
	}
	assert.Equal(t, 2, command("-bogus"), "a usage error")
	assert.Contains(t, stderr.String(), "flag provided but not defined: -bogus")
	assert.Equal(t, 0, command("-h"), "help is not an error")
	assert.Contains(t, stderr.String(), "usage: go run ./cmd/site [flags]")
	assert.Equal(t, 2, command("extra"), "arguments are a usage error")
	assert.Contains(t, stderr.String(), "usage:")

	assert.Equal(t, 2, command("-config", filepath.Join(t.TempDir(), "none.yml")), "a missing config is an infrastructure error")
	assert.Contains(t, stderr.String(), "site: ")

	cfg := commandBook(t, "# Hello\n\n```go\npackage main\n\nfunc main() {}\n```\n\n```output\nhi\n```\n")
	require.Equal(t, 0, command("-config", cfg, "-norun"), stderr.String())
	page, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "out", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<div class="stream stdout golden">`)
	assert.Contains(t, stderr.String(), "site: 1 pages into")
	assert.Empty(t, stdout.String())

	cfg = commandBook(t, "# Hello\n\n[broken](nope.md)\n")
	assert.Equal(t, 1, command("-config", cfg, "-norun"), "a broken link is a failed check")
	assert.Contains(t, stderr.String(), filepath.Join(filepath.Dir(cfg), "docs")+"/index.md:3: link to nope.md")
	assert.Contains(t, stderr.String(), "check failed")
	assert.FileExists(t, filepath.Join(filepath.Dir(cfg), "out", "index.html"), "the site is written anyway")
}

// TestCommandRuns: the command runs chapters with the engine -engine names,
// caches nothing with -cache "", and a failing cell is a failed check.
func TestCommandRuns(t *testing.T) {
	cfg := commandBook(t, "# Hello\n\n```go\npackage main\n\nfunc main() {}\n```\n")
	var engines []string
	newRun := func(engine string) RunFunc {
		engines = append(engines, engine)
		return func(ctx context.Context, path string, _ *cellcache.Cache) (*report.Report, error) {
			return &report.Report{Chapter: path, Results: []*chapter.Result{{Cell: "L3", Line: 3, Status: chapter.Fail, Stdout: "<oops>\n",
				Problems: []string{path + ":3: cell L3: output mismatch\n--- want\n+++ got"}}}}, nil
		}
	}
	var stdout, stderr bytes.Buffer
	code := Command(context.Background(), []string{"-config", cfg, "-engine", "go", "-cache", ""}, newRun, &stdout, &stderr)
	assert.Equal(t, 1, code, stderr.String())
	assert.Equal(t, []string{"go"}, engines)
	// The log names each failing chapter, and each failing cell at file:line.
	index := filepath.Join(filepath.Dir(cfg), "docs", "index.md")
	assert.Contains(t, stderr.String(), "failing chapters (1):\n  "+index+"\n    "+index+":3: cell L3: output mismatch\n")
	page, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "out", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<span class="badge badge-fail">fail</span>`)
	assert.Contains(t, string(page), `<pre>&lt;oops&gt;</pre>`)
}
