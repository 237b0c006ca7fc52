// Command site builds the book as a static site, with the captured output
// of every Go cell, into the site_dir that mkdocs.yml names.
//
//	go run ./cmd/site [-config mkdocs.yml] [-norun] [-engine yaegi]
//	go run ./cmd/site -serve [-addr 127.0.0.1:8000]
//
// Cells run through the book's runner; each cell's result and each timing
// verdict is cached in .cache/site/results under a key of what determines
// it (package cellcache), so a prose edit runs nothing and an edited cell
// runs alone (with the later fragments of its session). With -norun
// nothing runs and pages show the golden outputs written in the chapters.
// With -serve the site is served locally, rebuilt when a chapter or
// mkdocs.yml changes, and open pages reload; its pages are a notebook
// whose cells the reader edits and runs (see package site), on loopback
// only unless -allow-remote.
//
// Exit status: 0 built, 1 a check failed (a broken link, a failing cell;
// the site is still written), 2 a usage or infrastructure error. The
// command is [site.Command]; this file wires the runner into it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/concurrency101/book/runner"
	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/site"
)

func main() {
	runner.MaybeWorker()
	site.NewKernel = newKernel
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := site.Command(ctx, os.Args[1:], runChapter, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// newKernel gives -serve's notebook the runner's live session of a
// chapter, with the engine -engine names.
func newKernel(path, engine string) site.Kernel {
	return runner.NewKernel(path, runner.Options{Engine: engine})
}

// runChapter is where the cells' results come from: the runner, with the
// engine -engine names.
func runChapter(engine string) site.RunFunc {
	return func(ctx context.Context, path string, cache *cellcache.Cache) (*report.Report, error) {
		opts := &runner.Options{Engine: engine}
		if cache != nil { // a nil *Cache in the interface would not be nil
			opts.Cache = cache
		}
		return runner.RunChapter(ctx, path, opts)
	}
}
