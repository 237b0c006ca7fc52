// Command site builds the book as a static site, with the captured output
// of every Go cell, into the site_dir that mkdocs.yml names.
//
//	go run ./cmd/site [-config mkdocs.yml] [-norun] [-engine yaegi]
//	go run ./cmd/site -serve [-addr 127.0.0.1:8000]
//
// Cells run through the book's runner; a report is cached in .cache/site
// under the SHA-256 of the chapter, the engine, the Go version and the
// interpreter version, so unchanged chapters are not run again. With -norun
// nothing runs and pages show the golden outputs written in the chapters.
// With -serve the site is served locally, rebuilt when a chapter or
// mkdocs.yml changes, and open pages reload.
//
// Exit status: 0 built, 1 a check failed (a broken link, a failing cell;
// the site is still written), 2 a usage or infrastructure error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/site"
)

// runChapter is where the cells' results come from.
func runChapter(engine string) site.RunFunc {
	return func(ctx context.Context, path string) (*report.Report, error) {
		return runner.RunChapter(ctx, path, &runner.Options{Engine: engine})
	}
}

// errCheck marks a failed check (exit status 1), as opposed to a usage or
// infrastructure error (2).
var errCheck = errors.New("check failed")

func main() {
	runner.MaybeWorker()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case errors.Is(err, errCheck):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "mkdocs.yml", "the MkDocs configuration `file`")
	noRun := fs.Bool("norun", false, "do not run cells: show code and golden outputs")
	engine := fs.String("engine", "yaegi", "the runner's engine: yaegi, go or both")
	cacheDir := fs.String("cache", ".cache/site", "the `directory` of cached chapter reports (empty: no cache)")
	out := fs.String("o", "", "write the site into `dir` instead of site_dir")
	serve := fs.Bool("serve", false, "serve the site, rebuild on change and reload open pages")
	addr := fs.String("addr", "127.0.0.1:8000", "the `address` -serve listens on")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./cmd/site [flags]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	cfg, err := site.LoadConfig(*config)
	if err != nil {
		return err
	}
	if *out != "" {
		if cfg.SiteDir, err = filepath.Abs(*out); err != nil {
			return err
		}
	}
	ropts := site.RunOptions{Log: stderr}
	if !*noRun {
		ropts.Run = runChapter(*engine)
		if *cacheDir != "" {
			ropts.Cache = &site.Cache{Dir: *cacheDir, Engine: *engine}
		}
	}
	build := func() error {
		t0 := time.Now()
		var reports map[string]*report.Report
		var runErr error
		if !*noRun {
			reports, runErr = site.RunChapters(ctx, cfg, ropts)
			if runErr != nil && reports == nil {
				return runErr
			}
		}
		if *cacheDir != "" {
			site.LoadHighlights(*cacheDir)
		}
		s, err := site.Build(site.Options{Config: cfg, Reports: reports, LiveReload: *serve})
		if s == nil {
			return err
		}
		if *cacheDir != "" {
			if err := site.SaveHighlights(*cacheDir); err != nil {
				fmt.Fprintf(stderr, "site: keeping highlighted code: %v\n", err)
			}
		}
		failed := 0
		for _, r := range reports {
			if r.Failed() {
				failed++
			}
		}
		fmt.Fprintf(stderr, "site: %d pages into %s in %v\n", len(s.Pages), cfg.SitePath(), time.Since(t0).Round(time.Millisecond))
		err = errors.Join(runErr, err)
		if failed > 0 {
			err = errors.Join(err, fmt.Errorf("%d chapters have failing cells", failed))
		}
		if err != nil {
			return fmt.Errorf("%w\n%w", err, errCheck)
		}
		return nil
	}
	if !*serve {
		return build()
	}
	if err := build(); err != nil && !errors.Is(err, errCheck) {
		return err
	} else if err != nil {
		fmt.Fprintln(stderr, err)
	}
	srv := &site.Server{
		Dir:     cfg.SitePath(),
		Rebuild: build,
		Watch:   []string{*config, cfg.DocsPath()},
		Log:     stderr,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "site: serving http://%s/\n", ln.Addr())
	go srv.Run(ctx)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
