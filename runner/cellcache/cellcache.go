// Package cellcache keeps the results of a chapter's cells and the
// verdicts of its timing expectations between runs, each under a key of
// what determines it, so that a run re-executes only the cells whose
// inputs changed (runner.Options.Cache). cmd/site (a build and -serve)
// uses it: a prose edit re-renders from the cache, editing a cell re-runs
// that cell and, for a fragment, the later fragments of its session.
//
// A cell's key is the SHA-256 of: the cell's code and info string (its
// attributes); for a fragment, the code and info string of every earlier
// fragment of the chapter (the session it runs in); the chapter's path
// (results quote it in positions); the run's engine; and the tools: the
// Go version the runner was built with, the go command's version (which
// builds the toolchain's cells), the interpreter's module version, the
// report format (report.Version), and the SHA-256 of the running
// executable, which covers the runner's own code and every module it
// links. What is cached is the run's result before verification: a cell
// restored from the cache is verified again against the chapter's golden
// output as it stands now. Only results that passed are stored, so a
// failing (perhaps flaky) cell runs again next time.
//
// A cell's line is not in its key, so prose added above it keeps it
// cached, unless its result quotes a position in the chapter (a compile
// error, a race report, a stack), which moves with the line: then it
// runs again.
//
// A timing verdict's key is the SHA-256 of the expectation's text, the
// keys of the cells it times, the chapter's timing record
// (.timings.json, whose figures the verdict quotes), the engine and the
// machine (CPU count, GOMAXPROCS, CPU model, OS and architecture, host
// name). A verdict expires: ok after PassTTL (a day), inconclusive after
// InconclusiveTTL (an hour), since the load that made it so passes; a
// failed or skipped verdict is never stored.
//
// Entries are JSON files in Dir/cells and Dir/expect, written atomically
// (runner/internal/atomicfile). An entry that does not decode (a torn or
// truncated file), holds another key or an older format, or names
// another cell is stale: it is removed and the result recomputed, never
// shown.
package cellcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/atomicfile"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// Format numbers the layout of an entry; entries of another are stale.
const Format = 1

// How long a timing verdict stays valid.
const (
	PassTTL         = 24 * time.Hour
	InconclusiveTTL = time.Hour
)

// A Cache stores cell results and timing verdicts in Dir. It is safe for
// concurrent use.
type Cache struct {
	Dir    string
	Engine string // the run's engine ("auto", "yaegi", "go", "both"): part of every key
	// Log, if set, is told of every stale entry found.
	Log io.Writer
	// Now is the clock of verdict expiry; nil is time.Now.
	Now func() time.Time

	hits, misses, stale, stores atomic.Int64
}

// Stats counts what the cache was asked, since it was made.
type Stats struct {
	Hits   int64 // results and verdicts found
	Misses int64 // not found, or found stale or expired (recomputed)
	Stale  int64 // of the misses, entries removed as corrupt or of another key or format
	Stores int64 // entries written
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	return Stats{c.hits.Load(), c.misses.Load(), c.stale.Load(), c.stores.Load()}
}

// A cellEntry is a stored cell result.
type cellEntry struct {
	Format int             `json:"format"`
	Key    string          `json:"key"`
	Cell   string          `json:"cell"`
	Line   int             `json:"line"` // the fence's line when it ran
	Result *chapter.Result `json:"result"`
}

// An expectEntry is a stored timing verdict.
type expectEntry struct {
	Format  int                  `json:"format"`
	Key     string               `json:"key"`
	Text    string               `json:"text"`
	Saved   time.Time            `json:"saved"`
	Result  *timing.ExpectResult `json:"result"`
	Machine *timing.Machine      `json:"machine,omitempty"`
}

// CellKey is the key of cell c of ch.
func (c *Cache) CellKey(ch *chapter.Chapter, cell *chapter.Cell) string {
	h := sha256.New()
	fmt.Fprintf(h, "cell\x00%d\x00%s\x00%s\x00%s\x00", Format, tools(), c.Engine, ch.Path)
	if !cell.Program {
		for _, prev := range ch.Cells {
			if prev == cell {
				break
			}
			if !prev.Program && !prev.NoRun {
				fmt.Fprintf(h, "session\x00%q\x00%q\x00", prev.Info, prev.Code)
			}
		}
	}
	// A program's files are part of it: editing a file cell runs again
	// every program built with it.
	for _, f := range cell.Uses {
		fmt.Fprintf(h, "file\x00%q\x00%q\x00", f.Info, f.Code)
	}
	fmt.Fprintf(h, "this\x00%q\x00%q", cell.Info, cell.Code)
	return hex.EncodeToString(h.Sum(nil))
}

// ExpectKey is the key of expectation x of ch.
func (c *Cache) ExpectKey(ch *chapter.Chapter, x *chapter.Expectation) string {
	h := sha256.New()
	fmt.Fprintf(h, "expect\x00%d\x00%s\x00%s\x00%q\x00%s\x00", Format, c.Engine, machineID(), x.Text, timingsHash(ch.Path))
	for _, name := range x.Cells() {
		if cell := ch.Cell(name); cell != nil {
			fmt.Fprintf(h, "%s\x00", c.CellKey(ch, cell))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Result returns the cached result of cell c of ch, unverified (Status
// and Problems empty, Line the cell's), or false.
func (c *Cache) Result(ch *chapter.Chapter, cell *chapter.Cell) (*chapter.Result, bool) {
	key := c.CellKey(ch, cell)
	var e cellEntry
	if !c.read(filepath.Join(c.Dir, "cells", key+".json"), &e, func() bool {
		return e.Format == Format && e.Key == key && e.Cell == cell.Name && e.Result != nil && e.Result.Cell == cell.Name
	}) {
		return nil, false
	}
	res := e.Result
	if e.Line != cell.Line {
		if quotesPosition(res, ch.Path) {
			c.misses.Add(1)
			return nil, false // its positions moved with the cell: run it again
		}
		res.Line = cell.Line
		if res.Other != nil {
			res.Other.Line = cell.Line
		}
	}
	c.hits.Add(1)
	return res, true
}

// PutResult stores the result of cell c of ch, when it passed; the
// verification (Status, Problems) is not stored.
func (c *Cache) PutResult(ch *chapter.Chapter, cell *chapter.Cell, res *chapter.Result) {
	if res == nil || res.Status != chapter.Pass {
		return
	}
	r := unverified(res)
	if r.Other != nil {
		r.Other = unverified(r.Other)
	}
	key := c.CellKey(ch, cell)
	c.write(filepath.Join(c.Dir, "cells", key+".json"), &cellEntry{Format: Format, Key: key, Cell: cell.Name, Line: cell.Line, Result: r})
}

func unverified(res *chapter.Result) *chapter.Result {
	r := *res
	r.Status, r.Problems = "", nil
	return &r
}

// Expectation returns the cached verdict of expectation x of ch, with the
// machine it was measured on, or false when there is none or it expired.
func (c *Cache) Expectation(ch *chapter.Chapter, x *chapter.Expectation) (*timing.ExpectResult, *timing.Machine, bool) {
	key := c.ExpectKey(ch, x)
	var e expectEntry
	if !c.read(filepath.Join(c.Dir, "expect", key+".json"), &e, func() bool {
		return e.Format == Format && e.Key == key && e.Text == x.Text && e.Result != nil && e.Result.Text == x.Text
	}) {
		return nil, nil, false
	}
	ttl := PassTTL
	switch e.Result.Status {
	case timing.ExpectPass:
	case timing.ExpectInconclusive:
		ttl = InconclusiveTTL
	default:
		ttl = 0
	}
	if age := c.now().Sub(e.Saved); age < 0 || age >= ttl {
		c.misses.Add(1)
		return nil, nil, false
	}
	e.Result.Line = x.Line
	c.hits.Add(1)
	return e.Result, e.Machine, true
}

// PutExpectation stores the verdict of expectation x of ch, measured on m,
// when it is ok or inconclusive.
func (c *Cache) PutExpectation(ch *chapter.Chapter, x *chapter.Expectation, res *timing.ExpectResult, m *timing.Machine) {
	if res == nil || res.Status != timing.ExpectPass && res.Status != timing.ExpectInconclusive {
		return
	}
	key := c.ExpectKey(ch, x)
	c.write(filepath.Join(c.Dir, "expect", key+".json"), &expectEntry{Format: Format, Key: key, Text: x.Text, Saved: c.now(), Result: res, Machine: m})
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// read decodes the entry at path into v and checks it with valid. A
// missing file is a miss; one that does not decode or is not valid is
// stale, and removed.
func (c *Cache) read(path string, v any, valid func() bool) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		c.misses.Add(1)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = fmt.Errorf("data after the entry")
	}
	if err == nil && !valid() {
		err = fmt.Errorf("another key, cell or format")
	}
	if err != nil {
		c.misses.Add(1)
		c.stale.Add(1)
		os.Remove(path)
		if c.Log != nil {
			fmt.Fprintf(c.Log, "cache: %s: stale entry removed (%v); recomputing\n", path, err)
		}
		return false
	}
	return true
}

// write stores v at path atomically; a failure is logged, not fatal: the
// result is only not cached.
func (c *Cache) write(path string, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = atomicfile.WriteFile(path, b)
	}
	if err != nil {
		if c.Log != nil {
			fmt.Fprintf(c.Log, "cache: %v\n", err)
		}
		return
	}
	c.stores.Add(1)
}

// quotesPosition reports whether a result quotes a position in the
// chapter (file name then colon), which a move of the cell changes.
func quotesPosition(res *chapter.Result, path string) bool {
	needle := filepath.Base(path) + ":"
	for r := res; r != nil; r = r.Other {
		for _, s := range []string{r.Stdout, r.Stderr, r.Error, r.Routed, r.Refused} {
			if strings.Contains(s, needle) {
				return true
			}
		}
	}
	return false
}

var toolsOnce = sync.OnceValue(func() string {
	return fmt.Sprintf("go=%s gocmd=%s yaegi=%s report=%d exe=%s", runtime.Version(), goCommandVersion(), yaegiVersion(), report.Version, executableHash())
})

// tools identifies what produced a result: see the package comment.
func tools() string { return toolsOnce() }

// goCommandVersion is the version of the go command on $PATH, which builds
// the cells that run under the toolchain, or "none".
func goCommandVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return "none"
	}
	return strings.TrimSpace(string(out))
}

func yaegiVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

// executableHash is the SHA-256 of the running program: the runner's
// build, whatever its source (a go run, a test binary).
func executableHash() string {
	exe, err := os.Executable()
	if err == nil {
		var f *os.File
		if f, err = os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err = io.Copy(h, f); err == nil {
				return hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	// Unreadable: no cached result can be trusted to be this build's.
	return fmt.Sprintf("unknown-%d", time.Now().UnixNano())
}

var machineOnce = sync.OnceValue(func() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("cpus=%d procs=%d model=%q %s/%s host=%q", runtime.NumCPU(), runtime.GOMAXPROCS(0), timing.CPUModel(), runtime.GOOS, runtime.GOARCH, host)
})

// machineID identifies the machine timing verdicts were measured on.
func machineID() string { return machineOnce() }

// timingsHash is the SHA-256 of the chapter's timing record, or "none".
func timingsHash(chapterPath string) string {
	b, err := os.ReadFile(timing.TimingsPath(chapterPath))
	if err != nil {
		return "none"
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
