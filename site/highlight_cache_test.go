package site

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHighlightCache: what a build highlighted is saved, and a fresh
// process finds it again without running the lexer; a damaged file is an
// empty cache.
func TestHighlightCache(t *testing.T) {
	dir := t.TempDir()
	forgetHighlights()
	defer forgetHighlights()
	code := "package main\n\nfunc main() { println(\"hi\") }\n"
	want := highlight(code, "go", nil)
	require.NoError(t, SaveHighlights(dir))

	forgetHighlights()
	LoadHighlights(dir)
	key := highlightKey{"go", code, "map[]"}
	got, ok := fromDisk(key)
	require.True(t, ok, "the saved highlighting is not found")
	assert.Equal(t, want, got)
	assert.Equal(t, want, highlight(code, "go", nil))
	_, ok = fromDisk(highlightKey{"go", code + "x", "map[]"})
	assert.False(t, ok)

	require.NoError(t, os.WriteFile(filepath.Join(dir, highlightFile), []byte("{not json"), 0o644))
	forgetHighlights()
	LoadHighlights(dir)
	_, ok = fromDisk(key)
	assert.False(t, ok)
	assert.Equal(t, want, highlight(code, "go", nil), "a damaged cache still highlights")
}
