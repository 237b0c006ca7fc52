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
	"sync"
	"time"
)

// A Server serves a built site for previewing: only the files under Dir,
// with 404.html for anything else, and /__version, the build number, which
// the live-reload script asks with ?wait=N: the answer comes when the
// build is no longer N (a long poll, so a page reloads as soon as the
// rebuild is written), or after waitMax. Run rebuilds when a watched file
// changes.
type Server struct {
	Dir      string
	Rebuild  func() error // called by Run after a change
	Watch    []string     // files and directories (with their subdirectories) watched
	Polling  bool         // poll every Interval even where file-system notifications work
	Interval time.Duration
	Log      io.Writer

	mu      sync.Mutex
	version int64
	bumped  chan struct{} // closed at the next Bump
}

// waitMax bounds a long poll of /__version.
const waitMax = 25 * time.Second

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
		io.WriteString(w, strconv.FormatInt(s.awaitVersion(r), 10))
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
	// Revalidated by an ETag of the size and the modification time in
	// nanoseconds: Last-Modified, whose unit is the second, would keep
	// the page of an edit made in the same second as the one before.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, st.Size(), st.ModTime().UnixNano()))
	http.ServeContent(w, r, path.Base(name), st.ModTime(), f)
}

func (s *Server) notFound(w http.ResponseWriter, root *os.Root) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if b, err := root.ReadFile("404.html"); err == nil {
		w.Write(b)
	}
}

// Bump marks a new build: pages waiting on /__version reload.
func (s *Server) Bump() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	if s.bumped != nil {
		close(s.bumped)
		s.bumped = nil
	}
}

// awaitVersion returns the build number once it differs from the request's
// ?wait=N, or at once without it; after waitMax, or when the client
// leaves, the current one.
func (s *Server) awaitVersion(r *http.Request) int64 {
	seen, err := strconv.ParseInt(r.URL.Query().Get("wait"), 10, 64)
	s.mu.Lock()
	v := s.version
	if err != nil || v != seen {
		s.mu.Unlock()
		return v
	}
	if s.bumped == nil {
		s.bumped = make(chan struct{})
	}
	bumped := s.bumped
	s.mu.Unlock()
	t := time.NewTimer(waitMax)
	defer t.Stop()
	select {
	case <-bumped:
	case <-t.C:
	case <-r.Context().Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// Run watches for changes until ctx is done, and after each calls Rebuild
// and Bump. It watches with file-system notifications, or polls where
// they cannot start (see watch.go).
func (s *Server) Run(ctx context.Context) {
	log := s.Log
	if log == nil {
		log = io.Discard
	}
	changed, how := s.changes(ctx, log)
	fmt.Fprintf(log, "site: watching %s (%s)\n", strings.Join(s.Watch, ", "), how)
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
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
