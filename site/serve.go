package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// A Server serves a built site for previewing: only the files under Dir,
// with 404.html for anything else, and /__version, the build number that
// the live-reload script polls. Watch rebuilds when a watched file changes.
type Server struct {
	Dir      string
	Rebuild  func() error // called by Watch after a change
	Watch    []string     // files and directories whose modification times are polled
	Interval time.Duration
	Log      io.Writer

	version atomic.Int64
}

// ServeHTTP serves a file of the built site. Paths are resolved inside Dir
// with os.Root, so no request escapes it: /../go.mod, its encoded forms and
// symbolic links out of the directory all get the 404 page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/__version" {
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, strconv.FormatInt(s.version.Load(), 10))
		return
	}
	root, err := os.OpenRoot(s.Dir)
	if err != nil {
		http.Error(w, "site not built", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if !fs.ValidPath(name) || strings.Contains(r.URL.Path, "\\") {
		s.notFound(w, root)
		return
	}
	f, err := root.Open(name)
	if err != nil {
		s.notFound(w, root)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		s.notFound(w, root)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, path.Base(name), st.ModTime(), f)
}

func (s *Server) notFound(w http.ResponseWriter, root *os.Root) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if b, err := root.ReadFile("404.html"); err == nil {
		w.Write(b)
	}
}

// Bump marks a new build: pages that poll /__version reload.
func (s *Server) Bump() { s.version.Add(1) }

// Run watches for changes until ctx is done: every Interval it compares the
// modification times and sizes of the watched files with the last seen,
// and calls Rebuild after a change. Polling needs no file-system
// notification library and works on every platform.
func (s *Server) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = 300 * time.Millisecond
	}
	log := s.Log
	if log == nil {
		log = io.Discard
	}
	last := s.snapshot()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.snapshot()
		if now == last {
			continue
		}
		last = now
		t0 := time.Now()
		if s.Rebuild != nil {
			if err := s.Rebuild(); err != nil {
				fmt.Fprintf(log, "%v\n", err)
			}
		}
		s.Bump()
		fmt.Fprintf(log, "site: rebuilt in %v\n", time.Since(t0).Round(time.Millisecond))
	}
}

// snapshot summarises the watched files: names, sizes and times.
func (s *Server) snapshot() string {
	var b strings.Builder
	for _, w := range s.Watch {
		_ = filepath.WalkDir(w, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				if p != w && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}
