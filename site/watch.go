package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// The preview server learns of a change from the file system's
// notifications (fsnotify: inotify on Linux, kqueue, ReadDirectoryChangesW),
// or, where a watcher cannot start (no inotify instances left, an
// unsupported platform) or Server.Polling asks, by polling modification
// times and sizes every Interval.

// quiet is how long the watched files must stay unchanged after a change
// before the rebuild: an editor's save is often several writes.
const quiet = 20 * time.Millisecond

// changes returns a channel that receives a value after each change of
// the watched files (a burst of changes may give one), and how it
// watches: "notifications" or "polling".
func (s *Server) changes(ctx context.Context, log io.Writer) (<-chan struct{}, string) {
	ch := make(chan struct{}, 1)
	if !s.Polling {
		w, err := s.notifier()
		if err == nil {
			files, trees := s.watched()
			go relay(ctx, w, files, trees, ch, log)
			return ch, "notifications"
		}
		fmt.Fprintf(log, "site: file-system notifications unavailable (%v): polling\n", err)
	}
	go s.poll(ctx, ch)
	return ch, "polling"
}

// notifier watches every directory of the watched trees, and the
// directory of each watched file (editors replace files by renaming).
func (s *Server) notifier() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	for _, p := range s.Watch {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			err = w.Add(filepath.Dir(p)) // created later
		case fi.IsDir():
			err = addTree(w, p)
		default:
			err = w.Add(filepath.Dir(p))
		}
		if err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// addTree watches dir and its subdirectories but hidden ones.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		return w.Add(p)
	})
}

// watched returns the watched paths that are not directories (in their
// directory, only their own events count) and the watched trees.
func (s *Server) watched() (files map[string]bool, trees []string) {
	files = map[string]bool{}
	for _, p := range s.Watch {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			trees = append(trees, filepath.Clean(p))
		} else {
			files[filepath.Clean(p)] = true
		}
	}
	return files, trees
}

// relay passes the watcher's events on to ch, after quiet, until ctx is
// done. A new directory is watched too; events of hidden files (editors'
// swap and temporary files), of mere attribute changes, and of other
// files beside a watched file are dropped.
func relay(ctx context.Context, w *fsnotify.Watcher, files map[string]bool, trees []string, ch chan<- struct{}, log io.Writer) {
	defer w.Close()
	fileDirs := map[string]bool{}
	for f := range files {
		fileDirs[filepath.Dir(f)] = true
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(log, "site: watching: %v\n", err)
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			name := filepath.Clean(ev.Name)
			base := filepath.Base(name)
			switch {
			case ev.Op == fsnotify.Chmod, strings.HasPrefix(base, "."), strings.HasSuffix(base, "~"):
				continue
			case fileDirs[filepath.Dir(name)] && !files[name] && !inTree(trees, name):
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(name); err == nil && fi.IsDir() {
					_ = addTree(w, name)
				}
			}
			timer = time.After(quiet)
		case <-timer:
			timer = nil
			select {
			case ch <- struct{}{}:
			default: // one is pending already
			}
		}
	}
}

// inTree reports whether name lies in one of the watched trees.
func inTree(trees []string, name string) bool {
	for _, t := range trees {
		if strings.HasPrefix(name, t+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// poll compares the watched files' names, sizes and times every Interval
// and sends on ch after a change, until ctx is done.
func (s *Server) poll(ctx context.Context, ch chan<- struct{}) {
	interval := s.Interval
	if interval <= 0 {
		interval = 300 * time.Millisecond
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
		if now := s.snapshot(); now != last {
			last = now
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
