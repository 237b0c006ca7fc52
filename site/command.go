package site

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// errCheck marks a failed check (exit status 1), as opposed to a usage or
// infrastructure error (2).
var errCheck = errors.New("check failed")

// command is one invocation of the site command, its flags parsed.
type command struct {
	config, engine, cacheDir, out, addr string
	noRun, serve                        bool
	stderr                              io.Writer // progress and diagnostics

	// The notebook's (notebook.go): -allow-remote lets -addr be other
	// than loopback; docs is the docs_dir, where it finds chapters.
	allowRemote      bool
	docs             string
	highlightsLoaded bool // a rebuild keeps them in memory
}

// Command is the site command (cmd/site): it parses the arguments (without
// the program name), builds the book into the site_dir of mkdocs.yml, or
// serves it with -serve, and returns the exit code: 0 built, 1 a check
// failed (a broken link, a failing cell; the site is still written), 2 a
// usage or infrastructure error. newRun returns what runs a chapter's cells
// with the runner's named engine: this package does not import the runner,
// which links the interpreter. Everything the command prints goes to
// stderr; stdout is kept for what may be piped later.
func Command(ctx context.Context, args []string, newRun func(engine string) RunFunc, stdout, stderr io.Writer) int {
	c := &command{stderr: stderr}
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.config, "config", "mkdocs.yml", "the MkDocs configuration `file`")
	fs.BoolVar(&c.noRun, "norun", false, "do not run cells: show code and golden outputs")
	fs.StringVar(&c.engine, "engine", "auto", "the runner's engine: auto, yaegi, go or both")
	fs.StringVar(&c.cacheDir, "cache", ".cache/site", "the `directory` of cached cell results and timing verdicts (empty: no cache)")
	fs.StringVar(&c.out, "o", "", "write the site into `dir` instead of site_dir")
	fs.BoolVar(&c.serve, "serve", false, "serve the site, rebuild on change and reload open pages")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8000", "the `address` -serve listens on")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "let -addr be other than loopback: whoever reaches it can run code as you")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./cmd/site [flags]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	err := c.run(ctx, newRun)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errCheck):
		fmt.Fprintln(stderr, err)
		return 1
	default:
		fmt.Fprintln(stderr, "site:", err)
		return 2
	}
}

// run builds the site once, or builds and serves it.
func (c *command) run(ctx context.Context, newRun func(engine string) RunFunc) error {
	cfg, err := LoadConfig(c.config)
	if err != nil {
		return err
	}
	if c.out != "" {
		if cfg.SiteDir, err = filepath.Abs(c.out); err != nil {
			return err
		}
	}
	ropts := RunOptions{Log: c.stderr}
	if !c.noRun {
		ropts.Run = newRun(c.engine)
		if c.cacheDir != "" {
			ropts.Cache = &cellcache.Cache{Dir: filepath.Join(c.cacheDir, "results"), Engine: c.engine, Log: c.stderr}
		}
	}
	c.docs = cfg.DocsPath()
	build := func() error { return c.build(ctx, cfg, ropts) }
	if !c.serve {
		return build()
	}
	if err := c.checkAddr(); err != nil { // before the build, which takes a while
		return err
	}
	ropts.Last = &LastReports{} // a rebuild runs the chapters that changed
	if err := build(); err != nil && !errors.Is(err, errCheck) {
		return err
	} else if err != nil {
		fmt.Fprintln(c.stderr, err)
	}
	return c.listen(ctx, &Server{
		Dir:     cfg.SitePath(),
		Rebuild: build,
		Watch:   []string{c.config, cfg.DocsPath()},
		Log:     c.stderr,
	})
}

// build runs the chapters (unless -norun) and builds the site. A failing
// cell or a broken link is a failed check: the site is written anyway.
func (c *command) build(ctx context.Context, cfg *Config, ropts RunOptions) error {
	t0 := time.Now()
	var reports map[string]*report.Report
	var runErr error
	if !c.noRun {
		reports, runErr = RunChapters(ctx, cfg, ropts)
		if runErr != nil && reports == nil {
			return runErr
		}
	}
	if c.cacheDir != "" && !c.highlightsLoaded {
		LoadHighlights(c.cacheDir)
		c.highlightsLoaded = true
	}
	s, err := Build(Options{Config: cfg, Reports: reports, LiveReload: c.serve})
	if s == nil {
		return err
	}
	if c.cacheDir != "" {
		if err := SaveHighlights(c.cacheDir); err != nil {
			fmt.Fprintf(c.stderr, "site: keeping highlighted code: %v\n", err)
		}
	}
	fmt.Fprintf(c.stderr, "site: %d pages into %s in %v\n", len(s.Pages), cfg.SitePath(), time.Since(t0).Round(time.Millisecond))
	err = errors.Join(runErr, err, failures(reports))
	if err != nil {
		return fmt.Errorf("%w\n%w", err, errCheck)
	}
	return nil
}

// failures names the chapters whose run failed and, at file:line, each
// failing cell (with its first problem), chapter error and timing
// expectation; nil when every chapter passed.
func failures(reports map[string]*report.Report) error {
	var paths []string
	for p, r := range reports {
		if r.Failed() {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	var b strings.Builder
	fmt.Fprintf(&b, "failing chapters (%d):", len(paths))
	for _, p := range paths {
		r := reports[p]
		fmt.Fprintf(&b, "\n  %s", r.Chapter)
		for _, res := range r.Results {
			if res.Status != chapter.Fail {
				continue
			}
			for _, p := range res.Problems { // each begins file:line: cell NAME:
				first, _, _ := strings.Cut(p, "\n")
				fmt.Fprintf(&b, "\n    %s", first)
			}
			if len(res.Problems) == 0 {
				fmt.Fprintf(&b, "\n    %s:%d: cell %s failed: %s", r.Chapter, res.Line, res.Cell, res.Error)
			}
		}
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "\n    %s", e)
		}
		for _, x := range r.Expectations {
			if x.Status == timing.ExpectFail {
				fmt.Fprintf(&b, "\n    %s:%d: expectation failed: %s", r.Chapter, x.Line, x.Text)
			}
		}
	}
	return errors.New(b.String())
}

// listen serves the site on -addr until ctx is done, rebuilding it when a
// watched file changes.
func (c *command) listen(ctx context.Context, srv *Server) error {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "site: serving http://%s/\n", ln.Addr())
	go srv.Run(ctx)
	handler, closeNotebook := c.notebook(srv, ln.Addr().String())
	defer closeNotebook()
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
