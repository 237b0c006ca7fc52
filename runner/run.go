package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/atomicfile"
)

// ErrNoCells is reported for a chapter without Go cells.
var ErrNoCells = errors.New("no go cells")

// Expand turns the command's arguments into chapter files: a directory
// stands for the .md files in it (not in its subdirectories).
func Expand(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") && e.Type()&fs.ModeType == 0 {
				files = append(files, filepath.Join(a, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .md files", a)
		}
	}
	return files, nil
}

// RunChapter runs and verifies the chapter at path. The error is for what
// stops the chapter from being run at all (it cannot be read, the engine
// cannot start); problems of cells and of the chapter's text are in the
// report.
func RunChapter(ctx context.Context, path string, opts *Options) (*chapter.Report, error) {
	if opts == nil {
		opts = &Options{}
	}
	t0 := time.Now()
	rep := &chapter.Report{Chapter: path, Engine: opts.engine()}
	ch, err := chapter.ReadFile(path)
	if ch == nil {
		return rep, err
	}
	var perr chapter.ErrorList
	if errors.As(err, &perr) {
		for _, e := range perr {
			rep.Errors = append(rep.Errors, e.Error())
		}
	} else if err != nil {
		return rep, err
	}
	if len(ch.Cells) == 0 && len(rep.Errors) == 0 {
		return rep, ErrNoCells
	}
	var engines = map[string]Engine{}
	defer func() {
		for _, e := range engines {
			e.Close()
		}
	}()
	engineFor := func(name string) (Engine, error) {
		if e := engines[name]; e != nil {
			return e, nil
		}
		e, err := newEngine(name, ch, opts)
		if err != nil {
			return nil, err
		}
		engines[name] = e
		return e, nil
	}
	results := map[string]*chapter.Result{}
	for _, c := range ch.Cells {
		selected := opts.Run == nil || opts.Run.MatchString(c.Name)
		var res *chapter.Result
		switch {
		case c.NoRun || !selected:
			res = &chapter.Result{Cell: c.Name, Line: c.Line, Kind: kindName(c), Status: chapter.Skip}
			if c.NoRun {
				res.Error = "norun"
			} else {
				res.Error = "not selected by -run"
			}
		default:
			name := opts.engine()
			if c.Engine != "" {
				name = c.Engine
			}
			res, err = runCell(ctx, name, c, engineFor)
			if err != nil && ctx.Err() == nil {
				return rep, err
			}
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			chapter.Verify(path, c, res)
			compareEngines(path, c, res)
		}
		results[c.Name] = res
		rep.Results = append(rep.Results, res)
		if !opts.Update {
			opts.report().cell(ch, c, res)
		}
	}
	rep.Time = time.Since(t0)
	if opts.Update && ctx.Err() == nil {
		// Report after writing: a mismatch that -update fixed passes.
		if err := update(ch, agreed(ch, results)); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		}
		for _, c := range ch.Cells {
			opts.report().cell(ch, c, results[c.Name])
		}
	}
	// Timing expectations are checked after every cell ran, so that their
	// timed runs happen in one stretch under the machine-wide lock.
	if err := timeChapter(ctx, ch, rep, results, opts, engineFor); err != nil {
		return rep, err
	}
	rep.Time = time.Since(t0)
	return rep, nil
}

func (o *Options) engine() string {
	if o.Engine == "" {
		return "yaegi"
	}
	return o.Engine
}

func newEngine(name string, ch *chapter.Chapter, opts *Options) (Engine, error) {
	switch name {
	case "yaegi":
		return newInterpEngine(ch, opts)
	case "go":
		return newGoEngine(ch, opts)
	}
	return nil, fmt.Errorf("unknown engine %q", name)
}

// update writes the captured outputs into the chapter, under a lock on its
// directory so that two runs never interleave their writes, and only if the
// file is still what was run.
func update(ch *chapter.Chapter, results map[string]*chapter.Result) error {
	src, changed, uerr := chapter.Update(ch, results)
	if len(changed) == 0 {
		return uerr
	}
	dir := filepath.Dir(ch.Path)
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("%s: locking %s: %v", ch.Path, dir, err)
	}
	defer syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
	atomicfile.RemoveStaleTemps(ch.Path)
	now, err := os.ReadFile(ch.Path)
	if err != nil {
		return err
	}
	if string(now) != string(ch.Source) {
		return fmt.Errorf("%s: the file changed while its cells ran: not updated", ch.Path)
	}
	if err := atomicfile.WriteFile(ch.Path, src); err != nil {
		return fmt.Errorf("%s: %v", ch.Path, err)
	}
	for _, name := range changed {
		if r := results[name]; r != nil && r.Status == chapter.Fail {
			r.Status = chapter.Pass
			r.Problems = nil
		}
	}
	sort.Strings(changed)
	return uerr
}
