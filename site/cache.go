package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
)

// yaegiVersion is the interpreter version the cache keys use when the
// binary's build information does not say (it does when the runner is linked).
const yaegiVersion = "v0.16.1"

// RunFunc runs the cells of the chapter at path and returns its report.
// cmd/site passes a function that calls runner.RunChapter; this package
// does not import the runner, which links the interpreter.
type RunFunc func(ctx context.Context, path string) (*report.Report, error)

// A Cache stores chapter reports in a directory (.cache/site), one JSON file
// per key, so that a chapter whose content has not changed is not run again.
type Cache struct {
	Dir    string
	Engine string // part of the key: "yaegi", "go" or "both"
}

// Key is the cache key of a chapter: the SHA-256 of its content, the
// engine, the Go version, the interpreter version and the version of what
// a report records (report.Version).
func (c *Cache) Key(content []byte) string {
	h := sha256.New()
	h.Write(content)
	fmt.Fprintf(h, "\x00engine=%s\x00go=%s\x00yaegi=%s\x00report=%d", c.Engine, runtime.Version(), interpreterVersion(), report.Version)
	return hex.EncodeToString(h.Sum(nil))
}

func interpreterVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				return d.Version
			}
		}
	}
	return yaegiVersion
}

// Get returns the cached report for a key, or nil.
func (c *Cache) Get(key string) *report.Report {
	b, err := os.ReadFile(filepath.Join(c.Dir, key+".json"))
	if err != nil {
		return nil
	}
	var r report.Report
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	return &r
}

// Put stores a report under a key, atomically.
func (c *Cache) Put(key string, r *report.Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, "tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(c.Dir, key+".json"))
}

// RunOptions configures RunChapters.
type RunOptions struct {
	Run   RunFunc // nil: no chapter is run, only cached reports are used
	Cache *Cache  // nil: no cache
	Log   io.Writer
}

// RunChapters returns the report of every Markdown page of the config that
// has Go cells, keyed by its path relative to docs_dir: from the cache when
// the chapter is unchanged, else by running it (and caching a report that
// did not fail, so a flaky failure is retried next time). Progress goes to
// opts.Log. A chapter that could not be run is an error; its page is built
// without outputs.
func RunChapters(ctx context.Context, cfg *Config, opts RunOptions) (map[string]*report.Report, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	files, _, err := markdownFiles(os.DirFS(cfg.DocsPath()))
	if err != nil {
		return nil, err
	}
	reports := map[string]*report.Report{}
	var errs []error
	for _, f := range files {
		p := filepath.Join(cfg.DocsPath(), filepath.FromSlash(f))
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		ch, _ := chapter.Parse(p, src)
		if len(ch.Cells) == 0 {
			continue
		}
		var key string
		if opts.Cache != nil {
			key = opts.Cache.Key(src)
			if r := opts.Cache.Get(key); r != nil {
				fmt.Fprintf(log, "site: %s: %d cells (cached)\n", p, len(r.Results))
				reports[f] = r
				continue
			}
		}
		if opts.Run == nil {
			fmt.Fprintf(log, "site: %s: not run\n", p)
			continue
		}
		fmt.Fprintf(log, "site: %s: running %d cells...\n", p, len(ch.Cells))
		t0 := time.Now()
		r, err := opts.Run(ctx, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			if r == nil {
				continue
			}
		}
		reports[f] = r
		status := "ok"
		if r.Failed() {
			status = "FAIL"
		}
		fmt.Fprintf(log, "site: %s: %s (%.1fs)\n", p, status, time.Since(t0).Seconds())
		if opts.Cache != nil && !r.Failed() && err == nil {
			if err := opts.Cache.Put(key, r); err != nil {
				fmt.Fprintf(log, "site: cache: %v\n", err)
			}
		}
	}
	return reports, errors.Join(errs...)
}
