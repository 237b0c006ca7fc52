package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concurrency101/book/runner"
	"github.com/concurrency101/book/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	runner.MaybeWorker()
	os.Exit(m.Run())
}

// TestRunCells runs a real chapter through the runner, which caches its
// cell's result, and a second build takes it from the cache: the wiring
// this command adds to site.Command (whose flags and exit codes site's
// tests check).
func TestRunCells(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	page := "# Hello\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"<hi>\") }\n```\n\n```output\n<hi>\n```\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "index.md"), []byte(page), 0o644))
	cfg := filepath.Join(dir, "mkdocs.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("site_name: T\nsite_dir: out\nuse_directory_urls: false\n"), 0o644))
	cache := filepath.Join(t.TempDir(), "cache")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, site.Command(context.Background(), []string{"-config", cfg, "-cache", cache}, runChapter, &stdout, &stderr), stderr.String())
	out, err := os.ReadFile(filepath.Join(dir, "out", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(out), `<span class="badge badge-pass">pass</span>`)
	assert.Contains(t, string(out), `<pre>&lt;hi&gt;</pre>`)
	stderr.Reset()
	require.Equal(t, 0, site.Command(context.Background(), []string{"-config", cfg, "-cache", cache}, runChapter, &stdout, &stderr), stderr.String())
	assert.Contains(t, stderr.String(), ", 1 from the cache, 0 computed)", "the cell's result comes from the cache")
	assert.DirExists(t, filepath.Join(cache, "results", "cells"))
}
