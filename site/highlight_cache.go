package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
)

// Highlighting is most of the cost of building a page from cached results:
// chroma's lexers are regular-expression machines. A fresh process (a
// cmd/site run, a CI build) loads what earlier builds highlighted from one
// file in the cache directory, and saves it back after building.

// highlightFile is the name of that file in a cache directory.
const highlightFile = "highlight.json"

var (
	diskMu sync.Mutex
	diskHL map[string]string // digest of (lang, hl, code) -> HTML, as loaded
)

func digest(k highlightKey) string {
	h := sha256.New()
	h.Write([]byte(k.lang))
	h.Write([]byte{0})
	h.Write([]byte(k.hl))
	h.Write([]byte{0})
	h.Write([]byte(k.code))
	return hex.EncodeToString(h.Sum(nil))
}

// LoadHighlights makes the highlighting saved in dir available to the
// next builds of this process. A missing or unreadable file is an empty
// cache.
func LoadHighlights(dir string) {
	m := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, highlightFile)); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	diskMu.Lock()
	diskHL = m
	diskMu.Unlock()
}

// SaveHighlights writes the highlighting of this process's builds to dir,
// atomically, keeping only what was used, so the file does not grow with
// code that no longer exists.
func SaveHighlights(dir string) error {
	m := map[string]string{}
	highlighted.Range(func(k, v any) bool {
		m[digest(k.(highlightKey))] = v.(string)
		return true
	})
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".highlight*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, highlightFile))
}

// fromDisk returns the saved highlighting for k, if any.
func fromDisk(k highlightKey) (string, bool) {
	diskMu.Lock()
	defer diskMu.Unlock()
	if diskHL == nil {
		return "", false
	}
	h, ok := diskHL[digest(k)]
	return h, ok
}

// forgetHighlights empties the process's memo and the loaded file, as in a
// fresh process (for benchmarks and tests).
func forgetHighlights() {
	highlighted.Clear()
	diskMu.Lock()
	diskHL = nil
	diskMu.Unlock()
}
