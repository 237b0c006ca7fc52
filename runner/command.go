package runner

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/concurrency101/book/runner/report"
)

// Command is the run command: it parses the arguments (without the program
// name), runs the chapters and returns the exit code: 0 when every check
// passed, 1 when a check failed, 2 for a usage or infrastructure error.
// The report goes to stdout, through package report; usage errors and
// interruptions to stderr. With -github the report carries GitHub
// Actions workflow commands (see report.Printer.GitHub), with -json on
// stderr; cmd/run sets it when the environment has GITHUB_ACTIONS=true.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, code := parseCommand(args, stdout, stderr)
	if c == nil {
		return code
	}
	return c.run(ctx)
}

// A command is a parsed run command.
type command struct {
	opts    Options
	printer *report.Printer
	files   []string // the chapters
	stderr  io.Writer
	// junit and summary are the files -junit and -summary name, made
	// from the events of the run.
	junit, summary string
	junitData      report.JUnit
	summaryData    report.Summary
}

// parseCommand parses the arguments; a nil command comes with the exit
// code (0 for -h).
func parseCommand(args []string, stdout, stderr io.Writer) (*command, int) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &command{printer: &report.Printer{W: stdout, Commands: stderr}, stderr: stderr}
	opts := &c.opts
	var runRe string
	fs.StringVar(&opts.Engine, "engine", "auto", "execute cells with `engine`: auto (the interpreter, the Go toolchain for what it cannot run), yaegi, go, or both (compare the two)")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "default time limit per cell")
	fs.StringVar(&runRe, "run", "", "run only the cells whose name matches `regexp`")
	fs.BoolVar(&opts.Update, "update", false, "write captured output into the chapters' output blocks")
	fs.BoolVar(&opts.NoMark, "nomark", false, "with -update, report the cells the engines disagree on instead of marking them engine=\"go\"")
	fs.BoolVar(&c.printer.Verbose, "v", false, "print every cell's output")
	fs.BoolVar(&c.printer.JSON, "json", false, "print go test -json's events, one per line")
	fs.StringVar(&c.junit, "junit", "", "also write a JUnit XML report to `file`")
	fs.StringVar(&c.summary, "summary", "", "also append a Markdown summary to `file` (GitHub's $GITHUB_STEP_SUMMARY)")
	fs.BoolVar(&c.printer.GitHub, "github", false, "print failures as GitHub Actions workflow commands too (default when GITHUB_ACTIONS=true)")
	fs.BoolVar(&opts.NoRewrite, "norewrite", false, "run cells under the interpreter exactly as written (to see what it gets wrong)")
	fs.IntVar(&opts.Count, "count", 5, "time the cells timing expectations name in batches of `n` rounds")
	fs.BoolVar(&opts.Strict, "strict", false, "fail timing expectations the machine cannot decide (inconclusive)")
	fs.BoolVar(&opts.Short, "short", false, "skip timing expectations")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: run [flags] chapter.md|dir ...\n\nRun the Go cells of book chapters and verify their output.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0
		}
		return nil, 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, 2
	}
	if runRe != "" {
		re, err := regexp.Compile(runRe)
		if err != nil {
			fmt.Fprintf(stderr, "run: -run: %v\n", err)
			return nil, 2
		}
		opts.Run = re
	}
	if err := checkEngine(opts); err != nil {
		fmt.Fprintf(stderr, "run: %v\n", err)
		return nil, 2
	}
	files, err := Expand(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "run: %v\n", err)
		return nil, 2
	}
	c.files = files
	if c.junit != "" || c.summary != "" {
		c.printer.Listen = func(e report.Event) {
			c.junitData.Add(e)
			c.summaryData.Add(e)
		}
	}
	opts.Progress = printProgress(c.printer)
	return c, 0
}

// run runs the chapters one after the other, writes the files of -junit
// and -summary, and returns the exit code.
func (c *command) run(ctx context.Context) int {
	code := c.runChapters(ctx)
	c.printer.Close()
	if err := c.writeFiles(); err != nil {
		fmt.Fprintf(c.stderr, "run: %v\n", err)
		code = 2
	}
	return code
}

// runChapters runs the chapters one after the other and returns the exit
// code.
func (c *command) runChapters(ctx context.Context) int {
	code := 0
	t0 := time.Now()
	var cells, failed int
	for _, f := range c.files {
		c.printer.Start(f)
		r, err := RunChapter(ctx, f, &c.opts)
		c.printer.Done(r, err)
		for _, res := range r.Results {
			cells++
			if res.Status == "fail" {
				failed++
			}
		}
		switch {
		case ctx.Err() != nil:
			fmt.Fprintf(c.stderr, "run: interrupted\n")
			return 2
		case errors.Is(err, report.ErrNoCells):
		case err != nil && len(r.Results) == 0:
			code = max(code, 2)
		case err != nil || r.Failed():
			code = max(code, 1)
		}
	}
	if len(c.files) > 1 {
		c.printer.Total(len(c.files), cells, failed, code == 0, time.Since(t0))
	}
	return code
}

// writeFiles writes the JUnit report and appends the summary, if asked
// for (after an interruption too: what ran is in them).
func (c *command) writeFiles() error {
	if c.junit != "" {
		var b bytes.Buffer
		if err := c.junitData.Write(&b); err != nil {
			return err
		}
		if err := os.WriteFile(c.junit, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if c.summary != "" {
		f, err := os.OpenFile(c.summary, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		err = c.summaryData.Write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return nil
}

// printProgress prints each step of a chapter's run as it happens.
func printProgress(p *report.Printer) func(Progress) {
	return func(e Progress) {
		if e.Cell != nil {
			p.Cell(e.Chapter, e.Cell, e.Result)
			return
		}
		p.Expectations(e.Chapter, e.Expectations, e.Machine, e.Rounds)
	}
}

// checkEngine checks the engine flags, and that the Go toolchain can run
// when every cell needs it (-engine=go or both) or -update is to write
// what it prints.
func checkEngine(opts *Options) error {
	switch opts.Engine {
	case "auto", "yaegi", "go", "both":
	default:
		return fmt.Errorf("-engine %q: want auto, yaegi, go or both", opts.Engine)
	}
	switch {
	case opts.NoMark && !opts.Update:
		return errors.New("-nomark goes with -update")
	case opts.Update && opts.Engine == "yaegi":
		return errUpdateYaegi
	case opts.Update:
		if err := checkToolchain(); err != nil {
			return fmt.Errorf("-update writes what the Go toolchain prints, and it cannot run: %v (nothing was written)", err)
		}
	case opts.Engine == "go" || opts.Engine == "both":
		if err := checkToolchain(); err != nil {
			return fmt.Errorf("-engine=%s needs the Go toolchain, which cannot run: %v", opts.Engine, err)
		}
	}
	return nil
}
