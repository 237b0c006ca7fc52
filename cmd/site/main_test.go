package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/concurrency101/book/runner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	runner.MaybeWorker()
	os.Exit(m.Run())
}

func book(t *testing.T, page string) string {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "index.md"), []byte(page), 0o644))
	cfg := filepath.Join(dir, "mkdocs.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("site_name: T\nsite_dir: out\nuse_directory_urls: false\n"), 0o644))
	return cfg
}

func TestRun(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-bogus"}, &stderr)
	assert.Error(t, err)
	assert.False(t, errors.Is(err, errCheck), "a usage error is not a failed check (exit 2)")

	assert.ErrorIs(t, run(context.Background(), []string{"extra"}, &stderr), flag.ErrHelp)

	err = run(context.Background(), []string{"-config", filepath.Join(t.TempDir(), "none.yml")}, &stderr)
	assert.Error(t, err)
	assert.False(t, errors.Is(err, errCheck), "a missing config is exit 2")

	cfg := book(t, "# Hello\n\n```go\npackage main\n\nfunc main() {}\n```\n\n```output\nhi\n```\n")
	stderr.Reset()
	require.NoError(t, run(context.Background(), []string{"-config", cfg, "-norun"}, &stderr), stderr.String())
	page, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "out", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<div class="stream stdout golden">`)
	assert.Contains(t, stderr.String(), "site: 1 pages into")

	cfg = book(t, "# Hello\n\n[broken](nope.md)\n")
	err = run(context.Background(), []string{"-config", cfg, "-norun"}, &stderr)
	require.ErrorIs(t, err, errCheck, "a broken link is exit 1")
	assert.Contains(t, err.Error(), filepath.Join(filepath.Dir(cfg), "docs")+"/index.md:3: link to nope.md")
	assert.FileExists(t, filepath.Join(filepath.Dir(cfg), "out", "index.html"), "the site is written anyway")
}

// TestRunCells runs a real chapter through the runner and caches its report.
func TestRunCells(t *testing.T) {
	cfg := book(t, "# Hello\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"<hi>\") }\n```\n\n```output\n<hi>\n```\n")
	cache := filepath.Join(t.TempDir(), "cache")
	var stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-config", cfg, "-cache", cache}, &stderr), stderr.String())
	page, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "out", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<span class="badge badge-pass">pass</span>`)
	assert.Contains(t, string(page), `<pre>&lt;hi&gt;</pre>`)
	stderr.Reset()
	require.NoError(t, run(context.Background(), []string{"-config", cfg, "-cache", cache}, &stderr))
	assert.Contains(t, stderr.String(), "(cached)")
}
