package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Command is the run command: it parses the arguments (without the program
// name), runs the chapters and returns the exit code: 0 when every check
// passed, 1 when a check failed, 2 for a usage or infrastructure error.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts  Options
		runRe string
	)
	fs.StringVar(&opts.Engine, "engine", "yaegi", "execute cells with `engine`: yaegi, go, or both (compare the two)")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "default time limit per cell")
	fs.StringVar(&runRe, "run", "", "run only the cells whose name matches `regexp`")
	fs.BoolVar(&opts.Update, "update", false, "write captured output into the chapters' output blocks")
	fs.BoolVar(&opts.Verbose, "v", false, "print every cell's output")
	fs.BoolVar(&opts.JSON, "json", false, "print one JSON event per line")
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
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if runRe != "" {
		re, err := regexp.Compile(runRe)
		if err != nil {
			fmt.Fprintf(stderr, "run: -run: %v\n", err)
			return 2
		}
		opts.Run = re
	}
	switch opts.Engine {
	case "yaegi", "go", "both":
	default:
		fmt.Fprintf(stderr, "run: -engine %q: want yaegi, go or both\n", opts.Engine)
		return 2
	}
	files, err := Expand(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "run: %v\n", err)
		return 2
	}
	opts.Out = stdout
	code := 0
	t0 := time.Now()
	var cells, failed int
	for _, f := range files {
		rep := opts.report()
		rep.start(f)
		r, err := RunChapter(ctx, f, &opts)
		rep.chapterDone(r, err)
		for _, res := range r.Results {
			cells++
			if res.Status == "fail" {
				failed++
			}
		}
		switch {
		case ctx.Err() != nil:
			fmt.Fprintf(stderr, "run: interrupted\n")
			return 2
		case err == ErrNoCells:
		case err != nil && len(r.Results) == 0:
			code = max(code, 2)
		case err != nil || r.Failed():
			code = max(code, 1)
		}
	}
	if len(files) > 1 && !opts.JSON {
		status := "PASS"
		if code != 0 {
			status = "FAIL"
		}
		fmt.Fprintf(stdout, "%s %d chapters, %d cells, %d failed (%.2fs)\n", status, len(files), cells, failed, time.Since(t0).Seconds())
	}
	return code
}
