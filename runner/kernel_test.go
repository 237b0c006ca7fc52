package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const kernelChapter = "# K\n\n" +
	"```{.go name=\"one\"}\nimport \"fmt\"\n\nx := 1\nfunc greet() string { return \"hi\" }\nfmt.Println(x)\n```\n\n```output\n1\n```\n\n" +
	"```{.go name=\"two\"}\nfmt.Println(x + 1)\n```\n\n```output\n2\n```\n\n" +
	"```{.go name=\"three\"}\nfmt.Println(greet())\n```\n\n```output\nhi\n```\n\n" +
	"```{.go name=\"slow\" timeout=\"1s\"}\npackage main\n\nfunc main() {}\n```\n"

// kernelEvents runs a cell in the kernel and collects its events, with
// when each came.
type kernelEvents struct {
	mu     sync.Mutex
	events []report.Event
	at     []time.Time
}

func (k *kernelEvents) add(e report.Event) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.events = append(k.events, e)
	k.at = append(k.at, time.Now())
}

func (k *kernelEvents) output(stream string) string {
	var b strings.Builder
	for _, e := range k.events {
		if e.Action == report.ActionOutput && e.Stream == stream {
			b.WriteString(e.Output)
		}
	}
	return b.String()
}

func (k *kernelEvents) result() report.Event { return k.events[len(k.events)-1] }

func newTestKernel(t *testing.T) *Kernel {
	path := filepath.Join(t.TempDir(), "k.md")
	require.NoError(t, os.WriteFile(path, []byte(kernelChapter), 0o644))
	k := NewKernel(path, Options{Engine: "yaegi"})
	t.Cleanup(k.Close)
	return k
}

func kernelRun(t *testing.T, ctx context.Context, k *Kernel, cell, code string) *kernelEvents {
	t.Helper()
	ev := &kernelEvents{}
	require.NoError(t, k.Run(ctx, cell, code, ev.add))
	return ev
}

// TestKernelEdit: an edited fragment runs in the session the earlier
// fragments were replayed into, and its verdict is against the chapter's
// golden output, with the diff; editing a declaration marks the later
// fragments that use it stale.
func TestKernelEdit(t *testing.T) {
	k := newTestKernel(t)
	ctx := context.Background()
	ev := kernelRun(t, ctx, k, "two", "fmt.Println(x + 10)")
	assert.Equal(t, "11\n", ev.output("stdout"))
	res := ev.result()
	assert.Equal(t, report.ActionFail, res.Action)
	require.NotEmpty(t, res.Problems)
	assert.Contains(t, res.Problems[0], "-2\n+11")
	assert.Equal(t, "yaegi", res.Engine)
	assert.Equal(t, report.ActionRun, ev.events[0].Action)

	ev = kernelRun(t, ctx, k, "two", "fmt.Println(x + 1)")
	assert.Equal(t, report.ActionPass, ev.result().Action)

	ev = kernelRun(t, ctx, k, "one", "import \"fmt\"\n\nx := 5\nfunc greet() string { return \"hi\" }\nfmt.Println(x)")
	assert.Equal(t, []string{"two"}, ev.result().Stale, "x changed: two uses it, three does not")
	ev = kernelRun(t, ctx, k, "one", "import \"fmt\"\n\nx := 5\nfunc greet() string { return \"hello\" }\nfmt.Println(x)")
	assert.Equal(t, []string{"three"}, ev.result().Stale, "greet changed, x is as last run")
	ev = kernelRun(t, ctx, k, "three", "fmt.Println(greet())")
	assert.Equal(t, "hello\n", ev.output("stdout"))

	assert.ErrorIs(t, k.Run(ctx, "nope", "", func(report.Event) {}), ErrNoCell)
}

// TestKernelStream: output reaches emit as it is written, before the cell
// ends.
func TestKernelStream(t *testing.T) {
	k := newTestKernel(t)
	code := "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tfmt.Println(\"a\")\n\ttime.Sleep(400 * time.Millisecond)\n\tfmt.Println(\"b\")\n}\n"
	ev := kernelRun(t, context.Background(), k, "slow", code)
	assert.Equal(t, "a\nb\n", ev.output("stdout"))
	first := -1
	for i, e := range ev.events {
		if e.Stream == "stdout" {
			first = i
			break
		}
	}
	require.GreaterOrEqual(t, first, 0)
	assert.Equal(t, "a\n", ev.events[first].Output, "a chunk as written")
	assert.Greater(t, ev.at[len(ev.at)-1].Sub(ev.at[first]), 300*time.Millisecond, "a came before the sleep ended")
}

// TestKernelStop: a run whose context ends is killed at once, and the
// session answers the next run; the cell's timeout ends a run too.
func TestKernelStop(t *testing.T) {
	k := newTestKernel(t)
	ctx, cancel := context.WithCancel(context.Background())
	ev := &kernelEvents{}
	var once sync.Once
	t0 := time.Now()
	err := k.Run(ctx, "two", "fmt.Println(\"go\")\nfor {}", func(e report.Event) {
		ev.add(e)
		if e.Stream == "stdout" {
			once.Do(cancel)
		}
	})
	require.NoError(t, err)
	assert.Less(t, time.Since(t0), 5*time.Second)
	assert.Equal(t, "interrupted", ev.result().FailKind)

	ev = kernelRun(t, context.Background(), k, "two", "fmt.Println(x + 1)")
	assert.Equal(t, report.ActionPass, ev.result().Action, "%+v", ev.events)

	if testing.Short() {
		return
	}
	t0 = time.Now()
	ev = kernelRun(t, context.Background(), k, "slow", "package main\n\nfunc main() { for {} }\n")
	assert.Equal(t, "timeout", ev.result().FailKind)
	assert.Less(t, time.Since(t0), 6*time.Second)
	ev = kernelRun(t, context.Background(), k, "three", "fmt.Println(greet())")
	assert.Equal(t, report.ActionPass, ev.result().Action)
}

func TestDeclarations(t *testing.T) {
	a := declarations("import \"fmt\"\nx := 1\nvar y = 2\ntype T int\nfunc (T) M() {}\nfunc f() {}\nfmt.Println(x)\nx = 3")
	assert.Equal(t, []string{"M", "T", "f", "x", "y"}, sortedKeys(map[string]bool{"x": a["x"] != "", "y": a["y"] != "", "T": a["T"] != "", "M": a["M"] != "", "f": a["f"] != ""}))
	assert.Equal(t, "x := 1\nx = 3\n", a["x"])
	b := declarations("import \"fmt\"\nx := 1\nvar y = 2\ntype T int\nfunc (T) M() {}\nfunc f() { fmt.Println() }\nfmt.Println(x)\nx = 3")
	assert.Equal(t, []string{"f"}, sortedKeys(changedNames(a, b)))
}
