package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// BenchmarkWorkerStart measures a worker from fork to ready for its first
// cell (the interpreter and its tables loaded). Target: under 50 ms.
func BenchmarkWorkerStart(b *testing.B) {
	dir := b.TempDir()
	var ready []time.Duration
	for i := 0; i < b.N; i++ {
		w, err := startWorker(&Options{}, dir)
		if err != nil {
			b.Fatal(err)
		}
		ready = append(ready, w.ready)
		w.kill()
	}
	b.ReportMetric(median(ready).Seconds()*1000, "ms-ready/op")
}

// BenchmarkCellOverhead measures what the runner adds to a cell beyond the
// cell's own execution: the request, the fences, collecting output,
// verification. Target: under 5 ms.
func BenchmarkCellOverhead(b *testing.B) {
	for _, kind := range []string{"fragment", "program"} {
		b.Run(kind, func(b *testing.B) {
			code := "_ = 1\n"
			if kind == "program" {
				code = "package main\n\nfunc main() {}\n"
			}
			src := "```{.go name=\"c\"}\n" + code + "```\n"
			ch, err := chapter.Parse("bench.md", []byte(src))
			if err != nil {
				b.Fatal(err)
			}
			e, err := newInterpEngine(ch, &Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			c := ch.Cells[0]
			if _, err := e.Run(context.Background(), c); err != nil { // start the worker
				b.Fatal(err)
			}
			var over []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				res, err := e.Run(context.Background(), c)
				if err != nil || res.FailKind != "" {
					b.Fatal(err, res.Error)
				}
				chapter.Verify(ch.Path, c, res)
				over = append(over, time.Since(t0)-res.Time)
			}
			b.ReportMetric(float64(median(over).Microseconds())/1000, "ms-overhead/op")
		})
	}
}

// BenchmarkTwentyPrograms runs a chapter of 20 small complete programs
// through the runner and the same 20 programs with go run, side by side in
// each iteration, and reports the ratio. Target: at least 10x.
func BenchmarkTwentyPrograms(b *testing.B) {
	if _, err := exec.LookPath("go"); err != nil {
		b.Skip("no go command")
	}
	dir := b.TempDir()
	var md strings.Builder
	var progs []string
	for i := 0; i < 20; i++ {
		prog := fmt.Sprintf("package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\tsum := make([]int, 4)\n\tfor w := 0; w < 4; w++ {\n\t\twg.Add(1)\n\t\tgo func(w int) {\n\t\t\tdefer wg.Done()\n\t\t\tfor k := 0; k < 1000; k++ {\n\t\t\t\tsum[w] += k * %d\n\t\t\t}\n\t\t}(w)\n\t}\n\twg.Wait()\n\tfmt.Println(sum)\n}\n", i+1)
		fmt.Fprintf(&md, "```{.go name=\"p%d\"}\n%s```\n\n", i, prog)
		p := filepath.Join(dir, fmt.Sprintf("p%d", i))
		os.Mkdir(p, 0o755)
		os.WriteFile(filepath.Join(p, "main.go"), []byte(prog), 0o644)
		progs = append(progs, filepath.Join(p, "main.go"))
	}
	path := filepath.Join(dir, "twenty.md")
	os.WriteFile(path, []byte(md.String()), 0o644)
	var runner, gorun []time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rep, err := RunChapter(context.Background(), path, &Options{})
		if err != nil || rep.Failed() {
			b.Fatal(err, rep.Errors)
		}
		runner = append(runner, time.Since(t0))
		t0 = time.Now()
		for _, p := range progs {
			cmd := exec.Command("go", "run", p)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GO111MODULE=off")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatal(err, string(out))
			}
		}
		gorun = append(gorun, time.Since(t0))
	}
	b.ReportMetric(median(runner).Seconds()*1000, "ms-runner")
	b.ReportMetric(median(gorun).Seconds()*1000, "ms-gorun")
	b.ReportMetric(median(gorun).Seconds()/median(runner).Seconds(), "x-faster")
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
