package rewrite_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/internal/worker"
	"github.com/concurrency101/book/runner/rewrite"
)

var update = flag.Bool("update", false, "regenerate the corpus goldens with the Go toolchain")

// childEnv names the corpus program a re-executed test binary interprets;
// childRewrite says whether it rewrites it first.
const (
	childEnv        = "REWRITE_CORPUS_PROGRAM"
	childRewriteEnv = "REWRITE_CORPUS_REWRITE"
	childTimeout    = 5 * time.Second
	exitRewriteErr  = 97
	exitRefused     = 98
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(interpret(path, os.Getenv(childRewriteEnv) == "1"))
	}
	os.Exit(m.Run())
}

// interpret runs a corpus program under yaegi in this (child) process and
// returns its exit status: a panic in an interpreted goroutine kills the
// process, which is why the test runs it here and not in the test process.
func interpret(path string, rw bool) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rewrite:", err)
		return exitRewriteErr
	}
	if rw {
		src, err = rewrite.File(src)
		var ref *rewrite.Refusal
		if errors.As(err, &ref) {
			fmt.Fprintln(os.Stderr, "refused:", ref)
			return exitRefused
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "rewrite:", err)
			return exitRewriteErr
		}
	}
	// A child process may exit for real, as the compiled program does.
	err = worker.Eval(string(src))
	if err == nil {
		return 0
	}
	var p *worker.PanicError
	if errors.As(err, &p) {
		fmt.Fprintf(os.Stderr, "panic: %v\n", panicText(p.Value))
		return 2
	}
	fmt.Fprintln(os.Stderr, "build failed:", err)
	return 1
}

func panicText(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(v)
}

// result is what a program printed and how it ended.
type result struct {
	Stdout, Stderr, Status string
}

// normalize keeps what a reader can rely on: stdout, the panic or fatal
// error message without goroutine traces, and the exit status. The text of
// compile errors is not compared, only that the build failed.
func normalize(stdout, stderr string, status string) result {
	var keep []string
	lines := strings.Split(stderr, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			l = strings.TrimSuffix(l, " [recovered, repanicked]")
			keep = append(keep, strings.TrimSuffix(l, " [recovered]"))
			for i+1 < len(lines) && lines[i+1] != "" {
				i++
				keep = append(keep, lines[i])
			}
			break
		}
		if status == "build failed" {
			continue
		}
		keep = append(keep, l)
	}
	if status == "build failed" {
		stdout, keep = "", nil
	}
	stderr = strings.TrimRight(strings.Join(keep, "\n"), "\n")
	return result{Stdout: withNL(maskAddr(stdout)), Stderr: maskAddr(stderr), Status: status}
}

// address matches a hexadecimal address as print, println and fmt's %p
// write it: it differs from run to run, so it is compared as 0xADDR (a nil
// pointer, 0x0, stays as it is).
var address = regexp.MustCompile(`\b0x[0-9a-f]{6,}\b`)

func maskAddr(s string) string { return address.ReplaceAllString(s, "0xADDR") }

// txtar formats the result as a txtar archive with the files stdout,
// stderr and status.
func (r result) txtar() []byte {
	var b bytes.Buffer
	for _, f := range [][2]string{{"stdout", r.Stdout}, {"stderr", withNL(r.Stderr)}, {"status", r.Status + "\n"}} {
		fmt.Fprintf(&b, "-- %s --\n%s", f[0], f[1])
		if f[1] != "" && !strings.HasSuffix(f[1], "\n") {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

func withNL(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func parseResult(data []byte) result {
	var r result
	files := map[string]*strings.Builder{}
	var cur *strings.Builder
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --\n") {
			cur = &strings.Builder{}
			files[strings.TrimSuffix(strings.TrimPrefix(l, "-- "), " --\n")] = cur
			continue
		}
		if cur != nil {
			cur.WriteString(l)
		}
	}
	get := func(name string) string {
		if b := files[name]; b != nil {
			return b.String()
		}
		return ""
	}
	r.Stdout = get("stdout")
	r.Stderr = strings.TrimRight(get("stderr"), "\n")
	r.Status = strings.TrimSpace(get("status"))
	return r
}

func exitStatus(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf("exit %d", ee.ExitCode())
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return "exit 0"
}

// runGo builds the program with the Go toolchain and runs the binary.
func runGo(t *testing.T, path string) result {
	bin := filepath.Join(t.TempDir(), "prog")
	var stderr bytes.Buffer
	build := exec.Command("go", "build", "-o", bin, path)
	build.Stderr = &stderr
	if err := build.Run(); err != nil {
		return normalize("", stderr.String(), "build failed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return normalize(out.String(), errb.String(), "timeout")
	}
	return normalize(out.String(), errb.String(), exitStatus(err))
}

// runYaegi interprets the program in a child process.
func runYaegi(path string, rw bool) (res result, refused string) {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	flagRW := "0"
	if rw {
		flagRW = "1"
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path, childRewriteEnv+"="+flagRW)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return normalize(out.String(), errb.String(), "timeout"), ""
	}
	status := exitStatus(err)
	switch status {
	case fmt.Sprintf("exit %d", exitRefused):
		return result{}, strings.TrimSpace(strings.TrimPrefix(errb.String(), "refused:"))
	case fmt.Sprintf("exit %d", exitRewriteErr):
		return result{Stderr: errb.String(), Status: "rewrite error"}, ""
	case "exit 1":
		if strings.HasPrefix(errb.String(), "build failed:") {
			status = "build failed"
		}
	}
	return normalize(out.String(), yaegiTrace.ReplaceAllString(errb.String(), ""), status), ""
}

// yaegiTrace matches the interpreter's own panic trace lines
// ("12:3: panic: main.main(...)"), which the compiled program does not print.
var yaegiTrace = regexp.MustCompile(`(?m)^\d+:\d+: panic: .*\(\.\.\.\)\n`)

type outcome struct {
	name, with, without string // identical, refused, failed differently, failed loudly, diverged
	detail              string
	reason              string // the refused construct
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// refusedConstruct extracts the construct from a refusal's text
// ("L:C: CONSTRUCT is not supported by the interpreter: …"), with the
// names of the program's own identifiers kept.
func refusedConstruct(refusal string) string {
	_, rest, _ := strings.Cut(refusal, ": ")
	c, _, _ := strings.Cut(rest, " is not supported by the interpreter")
	return c
}

func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every corpus program under go and yaegi")
	}
	progs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.go"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(progs), 60, "the corpus must hold at least 60 programs")
	var mu sync.Mutex
	var outcomes []outcome
	t.Run("programs", func(t *testing.T) {
		for _, prog := range progs {
			name := strings.TrimSuffix(filepath.Base(prog), ".go")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				path, err := filepath.Abs(prog)
				require.NoError(t, err)
				golden := strings.TrimSuffix(path, ".go") + ".out"
				if *update {
					require.NoError(t, os.WriteFile(golden, runGo(t, path).txtar(), 0o644))
				}
				data, err := os.ReadFile(golden)
				require.NoError(t, err, "missing golden: run go test -run TestCorpus -update")
				want := parseResult(data)
				o := outcome{name: name}
				raw, _ := runYaegi(path, false)
				o.without = classify(want, raw, "")
				got, refused := runYaegi(path, true)
				o.with = classify(want, got, refused)
				switch o.with {
				case "refused":
					t.Logf("refused: %s", refused)
					o.reason = refusedConstruct(refused)
				case "failed differently":
					t.Logf("both fail, differently: want %+v, got %+v", want, got)
				case "failed loudly":
					t.Logf("fails under the interpreter only: %s %s", got.Status, firstLine(got.Stderr))
				case "diverged":
					o.detail = fmt.Sprintf("want %+v\ngot  %+v", want, got)
					assert.Equal(t, want, got, "%s: output under yaegi differs from go run after the rewrite", name)
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
			})
		}
	})
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].name < outcomes[j].name })
	count := func(f func(outcome) string) map[string]int {
		m := map[string]int{}
		for _, o := range outcomes {
			m[f(o)]++
		}
		return m
	}
	with := count(func(o outcome) string { return o.with })
	without := count(func(o outcome) string { return o.without })
	var fixed, fixedByRefusal []string
	for _, o := range outcomes {
		if o.without == "diverged" && o.with == "identical" {
			fixed = append(fixed, o.name)
		}
		if o.without == "diverged" && o.with == "refused" {
			fixedByRefusal = append(fixedByRefusal, o.name)
		}
	}
	t.Logf("corpus: %d programs; with rewrite: %d identical, %d refused, %d failed differently, %d failed loudly, %d diverged; "+
		"without rewrite: %d identical, %d failed differently, %d failed loudly, %d diverged",
		len(outcomes), with["identical"], with["refused"], with["failed differently"], with["failed loudly"], with["diverged"],
		without["identical"], without["failed differently"], without["failed loudly"], without["diverged"])
	reasons := map[string]int{}
	for _, o := range outcomes {
		if o.with == "refused" {
			reasons[o.reason]++
		}
	}
	var rs []string
	for r, n := range reasons {
		rs = append(rs, fmt.Sprintf("%3d %s", n, r))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(rs)))
	t.Logf("refusals by construct:\n%s", strings.Join(rs, "\n"))
	for _, o := range outcomes {
		if o.with == "failed loudly" {
			t.Logf("failed loudly (the interpreter fails where go run does not): %s", o.name)
		}
	}
	for _, o := range outcomes {
		if o.with == "failed differently" {
			t.Logf("failed differently (both fail, same stdout, different panic text or kind): %s", o.name)
		}
	}
	t.Logf("made identical by the rewrite: %s", strings.Join(fixed, " "))
	t.Logf("diverging without the rewrite, refused with it: %s", strings.Join(fixedByRefusal, " "))
}

// classify compares a yaegi result with the golden.
func classify(want, got result, refused string) string {
	switch {
	case refused != "":
		return "refused"
	case want == got:
		return "identical"
	case want.Status != "exit 0" && got.Status != "exit 0" && want.Stdout == got.Stdout:
		return "failed differently"
	case want.Status == "exit 0" && got.Status != "exit 0":
		// The interpreter fails (build failure, panic, timeout) where the
		// program runs: the runner reports a failure, never wrong output.
		return "failed loudly"
	}
	return "diverged"
}
