package site

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWatch: a change in a watched tree (in a directory made after the
// start too) or of a watched file rebuilds, with notifications and with
// polling; a hidden file (an editor's swap file) or a file beside a
// watched one does not.
func TestWatch(t *testing.T) {
	for _, polling := range []bool{false, true} {
		name := map[bool]string{false: "notifications", true: "polling"}[polling]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			docs := filepath.Join(dir, "docs")
			require.NoError(t, os.MkdirAll(docs, 0o755))
			cfg := filepath.Join(dir, "mkdocs.yml")
			require.NoError(t, os.WriteFile(cfg, []byte("site_name: A\n"), 0o644))
			built := make(chan bool, 10)
			var log syncBuffer
			srv := &Server{Watch: []string{cfg, docs}, Polling: polling, Interval: 20 * time.Millisecond, Log: &log,
				Rebuild: func() error { built <- true; return nil }}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go srv.Run(ctx)
			require.Eventually(t, func() bool { return log.Contains("(" + name + ")") }, 5*time.Second, 5*time.Millisecond, log.String())
			rebuilt := func(what string) {
				t.Helper()
				select {
				case <-built:
				case <-time.After(5 * time.Second):
					t.Fatalf("no rebuild after %s", what)
				}
			}
			none := func(what string) {
				t.Helper()
				select {
				case <-built:
					t.Fatalf("a rebuild after %s", what)
				case <-time.After(300 * time.Millisecond):
				}
			}
			write := func(p, s string) { require.NoError(t, os.WriteFile(p, []byte(s), 0o644)) }
			write(filepath.Join(docs, "a.md"), "# A\n")
			rebuilt("a new chapter")
			require.NoError(t, os.MkdirAll(filepath.Join(docs, "sub"), 0o755))
			time.Sleep(100 * time.Millisecond) // the new directory is watched (an empty one may rebuild)
			select {
			case <-built:
			default:
			}
			write(filepath.Join(docs, "sub", "b.md"), "# B\n")
			rebuilt("a chapter in the new directory")
			write(cfg, "site_name: B\n")
			rebuilt("a change of mkdocs.yml")
			write(filepath.Join(dir, "other.txt"), "x")
			none("a change beside mkdocs.yml")
			if !polling { // polling sees hidden files in the tree; they cost a rebuild, not a miss
				write(filepath.Join(docs, ".a.md.swp"), "x")
				none("an editor's swap file")
			}
		})
	}
}

// TestVersionLongPoll: /__version?wait=N answers when the build is no
// longer N, at once when it already is not.
func TestVersionLongPoll(t *testing.T) {
	srv := &Server{Dir: t.TempDir()}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	get := func(q string) string {
		resp, err := http.Get(ts.URL + "/__version" + q)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	assert.Equal(t, "0", get(""))
	assert.Equal(t, "0", get("?wait=7"), "another build: at once")
	got := make(chan string, 1)
	go func() { got <- get("?wait=0") }()
	select {
	case v := <-got:
		t.Fatalf("answered %s before a new build", v)
	case <-time.After(200 * time.Millisecond):
	}
	srv.Bump()
	select {
	case v := <-got:
		assert.Equal(t, "1", v)
	case <-time.After(5 * time.Second):
		t.Fatal("no answer after Bump")
	}
}

// syncBuffer is a log written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Contains(sub string) bool { return strings.Contains(s.String(), sub) }
