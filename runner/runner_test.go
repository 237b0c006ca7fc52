package runner

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

var updateGolden = flag.Bool("update", false, "rewrite the want sections of testdata/report/*.txtar")

// TestChapters verifies every chapter of the book, each as a subtest, as
// x/website's TestTourContent runs every snippet of the tour: in
// differential mode, so that every cell's output is also what the Go
// toolchain prints (with -short, under engine auto, the default).
func TestChapters(t *testing.T) {
	engine := "both"
	if testing.Short() {
		engine = "auto"
	}
	files, err := filepath.Glob("../chapters/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no chapters found")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var out bytes.Buffer
			rep, err := RunChapter(context.Background(), f, &Options{Progress: printProgress(&report.Printer{W: &out}), Timeout: 60e9, Engine: engine, Short: testing.Short()})
			if errors.Is(err, report.ErrNoCells) {
				t.Skip("no go cells")
			}
			require.NoError(t, err, out.String())
			assert.False(t, rep.Failed(), "chapter %s failed:\n%s%s", f, out.String(), strings.Join(rep.Errors, "\n"))
		})
	}
}

// maskTimes removes what changes from run to run in a report.
var maskTimes = regexp.MustCompile(`\(\d+\.\d\ds([,)])`)

// TestReportGolden runs fixture chapters and compares the whole report,
// and the chapter file after -update when the archive has an "updated"
// section.
var maskGoroutines = regexp.MustCompile(`; goroutines: [^\n]*`)

func TestReportGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/report/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			require.NoError(t, err)
			dir := t.TempDir()
			path := filepath.Join(dir, "chapter.md")
			require.NoError(t, os.WriteFile(path, a.Files[0].Data, 0o644))
			var out bytes.Buffer
			stderr := &bytes.Buffer{}
			first, _, _ := strings.Cut(string(a.Comment), "\n")
			args := strings.Fields(first)
			if len(args) > 0 && args[0] == "args:" {
				args = args[1:]
			} else {
				args = nil
			}
			code := Command(context.Background(), append(args, path), &out, stderr)
			got := maskTimes.ReplaceAllString(strings.ReplaceAll(out.String()+stderr.String(), dir+"/", ""), "(T$1")
			// Where a timed-out cell's goroutines were is up to the
			// scheduler.
			got = maskGoroutines.ReplaceAllString(got, "; goroutines: (G)")
			got += "exit " + string(rune('0'+code)) + "\n"
			want := map[string]string{"report": got}
			if len(a.Files) > 1 || *updateGolden {
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				if !bytes.Equal(b, a.Files[0].Data) {
					want["updated"] = string(b)
				}
			}
			a.Files = a.Files[:1]
			for _, name := range []string{"report", "updated"} {
				if text, ok := want[name]; ok {
					a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(text)})
				}
			}
			if *updateGolden {
				require.NoError(t, os.WriteFile(file, txtar.Format(a), 0o644))
				return
			}
			old, err := txtar.ParseFile(file)
			require.NoError(t, err)
			require.Equal(t, string(txtar.Format(old)), string(txtar.Format(a)), "%s: report or updated chapter differs (got on the right)", file)
		})
	}
}

// TestChapterErrors: bad input gets a clear error naming the file.
func TestChapterErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	t.Run("missing file", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := Command(context.Background(), []string{filepath.Join(dir, "nope.md")}, &out, &errb)
		assert.Equal(t, 2, code)
		assert.Contains(t, errb.String(), "nope.md: no such file or directory")
	})
	t.Run("no go cells", func(t *testing.T) {
		p := write("prose.md", "# Prose\n\nNo code.\n")
		var out, errb bytes.Buffer
		code := Command(context.Background(), []string{p}, &out, &errb)
		assert.Equal(t, 0, code)
		assert.Contains(t, out.String(), "prose.md [no go cells]")
	})
	t.Run("directory", func(t *testing.T) {
		sub := filepath.Join(dir, "sub")
		require.NoError(t, os.Mkdir(sub, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, "a.md"), []byte("```go\nfmt.Println(1)\n```\n"), 0o644))
		var out, errb bytes.Buffer
		code := Command(context.Background(), []string{sub}, &out, &errb)
		assert.Equal(t, 1, code, "fmt is not imported: the cell fails\n%s", out.String())
		assert.Contains(t, out.String(), "a.md:2:1: undefined: fmt")
	})
	t.Run("empty directory", func(t *testing.T) {
		empty := filepath.Join(dir, "empty")
		require.NoError(t, os.Mkdir(empty, 0o755))
		var out, errb bytes.Buffer
		assert.Equal(t, 2, Command(context.Background(), []string{empty}, &out, &errb))
		assert.Contains(t, errb.String(), "no .md files")
	})
	t.Run("usage", func(t *testing.T) {
		var out, errb bytes.Buffer
		assert.Equal(t, 2, Command(context.Background(), nil, &out, &errb))
		assert.Contains(t, errb.String(), "usage: run")
		assert.Equal(t, 2, Command(context.Background(), []string{"-run", "(", "x.md"}, &out, &errb))
		assert.Equal(t, 2, Command(context.Background(), []string{"-bogus", "x.md"}, &out, &errb))
	})
}

// TestInterrupt: cancelling the context (Ctrl-C in cmd/run) stops the
// running cell, kills the worker and writes nothing.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.md")
	src := "```go\nfor {}\n```\n\n```go\nimport \"fmt\"\nfmt.Println(1)\n```\n"
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan int)
	go func() { done <- Command(ctx, []string{"-update", p}, &out, &out) }()
	time.Sleep(500 * time.Millisecond) // the worker is in the endless loop
	cancel()
	assert.Equal(t, 2, <-done)
	b, _ := os.ReadFile(p)
	assert.Equal(t, src, string(b), "an interrupted run changed the chapter")
	// No worker survives: the process group was killed.
	assert.NoError(t, noWorkers(), "a worker is left running")
}

// noWorkers fails when a child process of this test binary is still alive
// as a runner worker.
func noWorkers() error {
	entries, _ := os.ReadDir("/proc")
	me := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Field 4 is the parent pid; a zombie not yet reaped does not count.
		if i := bytes.LastIndexByte(stat, ')'); i > 0 {
			f := bytes.Fields(stat[i+1:])
			if len(f) > 2 && string(f[0]) != "Z" && string(f[1]) == me {
				environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
				if bytes.Contains(environ, []byte(workerEnv+"=")) {
					return errors.New("worker pid " + e.Name() + " alive")
				}
			}
		}
	}
	return nil
}

// TestDocReport: the example report of the package documentation
// ("Running, updating") is what the runner prints for its fixture,
// testdata/doc/cpu.md, run as chapters/cpu.md, times aside.
func TestDocReport(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n# Running, updating\n")
	require.True(t, ok, "doc.go has no section Running, updating")
	var want strings.Builder
	for _, line := range strings.Split(section, "\n") {
		if text, ok := strings.CutPrefix(line, "\t"); ok {
			want.WriteString(text + "\n")
		} else if want.Len() > 0 {
			break // the end of the first indented block
		}
	}
	require.NotZero(t, want.Len(), "no example report under Running, updating")

	dir := t.TempDir()
	src, err := os.ReadFile("testdata/doc/cpu.md")
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "chapters"), 0o755))
	path := filepath.Join(dir, "chapters", "cpu.md")
	require.NoError(t, os.WriteFile(path, src, 0o644))
	var out, stderr bytes.Buffer
	assert.Equal(t, 1, Command(context.Background(), []string{path}, &out, &stderr), stderr.String())
	got := strings.ReplaceAll(out.String(), dir+"/", "")
	assert.Equal(t, maskTimes.ReplaceAllString(want.String(), "(T$1"), maskTimes.ReplaceAllString(got, "(T$1"),
		"doc.go's example report (want) is not what the runner prints (got)")
}

// TestToolchainCannotRun: on a machine where the go command cannot build
// (not on $PATH, a broken GOROOT, a build cache it cannot write), -update
// stops with one error naming the problem and writes nothing; engine auto
// runs what the interpreter runs, fails the cells that need the toolchain
// and says why once; -engine=yaegi works.
func TestToolchainCannotRun(t *testing.T) {
	const md = "```{.go name=\"plain\"}\nimport \"fmt\"\nfmt.Println(\"plain\")\n```\n\n```output\nplain\n```\n\n" +
		"```{.go name=\"spawn\"}\npackage main\n\nimport \"os/exec\"\n\nfunc main() { _ = exec.Command(\"true\").Run() }\n```\n\n" +
		"```{.go name=\"oracle\" engine=\"go\"}\nfmt.Println(\"go\")\n```\n"
	noGo := t.TempDir()
	for _, tc := range []struct {
		name, key, value, want string
	}{
		{"no go on PATH", "PATH", noGo, "the go command is not on $PATH (" + noGo + ")"},
		{"broken GOROOT", "GOROOT", "/nonexistent/goroot", "cannot find GOROOT directory: /nonexistent/goroot"},
		{"unwritable build cache", "GOCACHE", "/proc/no-cache", "the build cache /proc/no-cache cannot be written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeChapter(t, "c.md", md)
			t.Setenv(tc.key, tc.value)
			run := func(args ...string) (string, string, int) {
				var out, errb bytes.Buffer
				code := Command(context.Background(), append(args, path), &out, &errb)
				return out.String(), errb.String(), code
			}
			out, errs, code := run("-update")
			assert.Equal(t, 2, code, out)
			assert.Contains(t, errs, "-update writes what the Go toolchain prints, and it cannot run: ")
			assert.Contains(t, errs, tc.want)
			assert.Empty(t, out, "nothing ran")
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, md, string(b), "nothing is written")

			out, errs, code = run()
			assert.Equal(t, 1, code, errs)
			assert.Contains(t, out, "ok      chapters/c.md:1 plain (")
			assert.Contains(t, out, "FAIL    chapters/c.md:10 spawn (0.00s)\n"+
				"        chapters/c.md:10: cell spawn: chapters/c.md:13:8: import \"os/exec\": the interpreter does not provide this package",
				"without the toolchain, the interpreter's failure stands")
			assert.Contains(t, out, "FAIL    chapters/c.md:18 oracle (0.00s, go: engine=\"go\")\n"+
				"        chapters/c.md:18: cell oracle: not run: it needs the Go toolchain (engine=\"go\"), which cannot run here\n")
			assert.Equal(t, 1, strings.Count(out, tc.want), "the problem is told once:\n%s", out)
			assert.Contains(t, out, "chapters/c.md: the Go toolchain cannot run: ")

			out, _, code = run("-engine=yaegi", "-run", "plain")
			assert.Equal(t, 0, code, out)
			out, errs, code = run("-engine=go")
			assert.Equal(t, 2, code, out)
			assert.Contains(t, errs, "run: -engine=go needs the Go toolchain, which cannot run: ")
			assert.Contains(t, errs, tc.want)
		})
	}
}

// TestUpdateWorkerCannotStart: when the interpreter's worker cannot
// start, -update writes nothing.
func TestUpdateWorkerCannotStart(t *testing.T) {
	const md = "```go\nimport \"fmt\"\nfmt.Println(1)\n```\n"
	path := writeChapter(t, "w.md", md)
	_, err := RunChapter(context.Background(), path, &Options{Update: true, WorkerCmd: "/bin/false"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the worker /bin/false did not start")
	b, _ := os.ReadFile(path)
	assert.Equal(t, md, string(b))
}

// TestUpdateEngineYaegiRefused: -update writes what the toolchain
// prints, so it cannot run under the interpreter alone.
func TestUpdateEngineYaegiRefused(t *testing.T) {
	path := writeChapter(t, "y.md", "```go\nx := 1\n_ = x\n```\n")
	var out, errb bytes.Buffer
	assert.Equal(t, 2, Command(context.Background(), []string{"-update", "-engine=yaegi", path}, &out, &errb))
	assert.Contains(t, errb.String(), "run: -update -engine=yaegi: -update writes the output the Go toolchain prints, when the interpreter agrees, so it runs both engines; drop -engine=yaegi")
	_, err := RunChapter(context.Background(), path, &Options{Update: true, Engine: "yaegi"})
	assert.ErrorIs(t, err, errUpdateYaegi)
	assert.Equal(t, 2, Command(context.Background(), []string{"-nomark", path}, &out, &errb))
	assert.Contains(t, errb.String(), "run: -nomark goes with -update")
}
