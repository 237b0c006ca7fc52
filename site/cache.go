package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// RunFunc runs the cells of the chapter at path and returns its report,
// taking from cache (nil: none) the results of the cells and the timing
// verdicts whose inputs did not change, and storing the new ones there.
// cmd/site passes a function that calls runner.RunChapter; this package
// does not import the runner, which links the interpreter.
type RunFunc func(ctx context.Context, path string, cache *cellcache.Cache) (*report.Report, error)

// RunOptions configures RunChapters.
type RunOptions struct {
	Run   RunFunc          // nil: no chapter is run
	Cache *cellcache.Cache // nil: no cache
	Log   io.Writer
	// Last, if set, keeps each chapter's report with the text it was made
	// from (the chapter and its timing record): a chapter whose text is
	// unchanged keeps its report without going to the runner, so that a
	// rebuild of -serve runs the edited chapter only, and a failing cell
	// elsewhere (not cached) does not run again at every edit.
	Last *LastReports
}

// LastReports are the reports of the previous RunChapters; see RunOptions.
type LastReports struct {
	text    map[string]string
	reports map[string]*report.Report
}

func (l *LastReports) get(f, text string) *report.Report {
	if l == nil || l.text[f] != text {
		return nil
	}
	return l.reports[f]
}

func (l *LastReports) put(f, text string, r *report.Report) {
	if l == nil {
		return
	}
	if l.text == nil {
		l.text, l.reports = map[string]string{}, map[string]*report.Report{}
	}
	l.text[f], l.reports[f] = text, r
}

// RunChapters returns the report of every Markdown page of the config that
// has Go cells, keyed by its path relative to docs_dir. Each chapter goes
// through the runner, which takes from the cache every cell result and
// timing verdict whose key is unchanged (package cellcache): a chapter
// whose code did not change runs nothing. Progress goes to opts.Log. A
// chapter that could not be run is an error; its page is built without
// outputs.
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
		if opts.Run == nil {
			fmt.Fprintf(log, "site: %s: not run\n", p)
			continue
		}
		rec, _ := os.ReadFile(timing.TimingsPath(p))
		text := string(src) + "\x00" + string(rec)
		if r := opts.Last.get(f, text); r != nil {
			reports[f] = r
			continue
		}
		var before cellcache.Stats
		if opts.Cache != nil {
			before = opts.Cache.Stats()
		}
		t0 := time.Now()
		r, err := opts.Run(ctx, p, opts.Cache)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			if r == nil {
				continue
			}
		}
		reports[f] = r
		if err == nil {
			opts.Last.put(f, text, r)
		}
		status := "ok"
		if r.Failed() {
			status = "FAIL"
		}
		fmt.Fprintf(log, "site: %s: %s (%.1fs%s)\n", p, status, time.Since(t0).Seconds(), cacheNote(opts.Cache, before))
		if ctx.Err() != nil {
			break
		}
	}
	return reports, errors.Join(errs...)
}

// cacheNote says how many results the chapter's run took from the cache.
func cacheNote(c *cellcache.Cache, before cellcache.Stats) string {
	if c == nil {
		return ""
	}
	now := c.Stats()
	return fmt.Sprintf(", %d from the cache, %d computed", now.Hits-before.Hits, now.Misses-before.Misses)
}
