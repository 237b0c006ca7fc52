package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The notebook of -serve, end to end: site.Command serves a book whose
// cells run in the runner's kernels.

const notebookChapter = "# Notebook\n\n" +
	"```{.go name=\"setup\"}\nimport \"fmt\"\n\nx := 1\n```\n\n" +
	"```{.go name=\"show\"}\nfmt.Println(\"x is\", x)\n```\n\n```output\nx is 1\n```\n\n" +
	"```{.go name=\"loop\" timeout=\"1s\"}\nfmt.Println(\"looping\")\n```\n\n```output\nlooping\n```\n\n" +
	"```{.go name=\"prog\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n```\n\n```output\nhello\n```\n"

// countingKernel counts the runs that reach the runner.
type countingKernel struct {
	site.Kernel
	runs *atomic.Int32
}

func (k countingKernel) Run(ctx context.Context, cell, code string, emit func(report.Event)) error {
	k.runs.Add(1)
	return k.Kernel.Run(ctx, cell, code, emit)
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveBook serves a one-chapter book with -serve on a free loopback
// port, and returns its URL, its pages' token and the count of runs.
func serveBook(t *testing.T) (base, token string, runs *atomic.Int32) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "nb.md"), []byte(notebookChapter), 0o644))
	cfg := filepath.Join(dir, "mkdocs.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("site_name: T\nsite_dir: out\nuse_directory_urls: false\nnav:\n  - nb.md\n"), 0o644))
	runs = &atomic.Int32{}
	site.NewKernel = func(path, engine string) site.Kernel {
		return countingKernel{newKernel(path, engine), runs}
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- site.Command(ctx, []string{"-config", cfg, "-serve", "-norun", "-cache", "", "-addr", "127.0.0.1:0"}, runChapter, io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	re := regexp.MustCompile(`serving (http://\S+)/`)
	require.Eventually(t, func() bool { return re.MatchString(stderr.String()) }, 60*time.Second, 20*time.Millisecond, "%s", stderr)
	base = re.FindStringSubmatch(stderr.String())[1]
	resp, err := http.Get(base + "/nb.html")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`<meta name="book-run-token" content="([0-9a-f]+)">`).FindSubmatch(page)
	require.NotNil(t, m, "%s", page)
	return base, string(m[1]), runs
}

// postRun posts a run and returns its events, and when each came.
func postRun(t *testing.T, base, token, cell, code string, onEvent func(report.Event)) []report.Event {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"chapter": "nb.md", "cell": cell, "code": code})
	req, _ := http.NewRequest("POST", base+"/__run", strings.NewReader(string(body)))
	req.Header.Set("X-Book-Token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	var evs []report.Event
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var e report.Event
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		evs = append(evs, e)
		if onEvent != nil {
			onEvent(e)
		}
	}
	require.NotEmpty(t, evs)
	return evs
}

func post(t *testing.T, base, token, path, body string) int {
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("X-Book-Token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestNotebookStopAndTimeout: an endless loop ends at once by Stop, and by
// the cell's timeout; the session answers after each; pages are served
// while it loops.
func TestNotebookStopAndTimeout(t *testing.T) {
	base, token, _ := serveBook(t)
	evs := postRun(t, base, token, "show", "fmt.Println(\"x is\", x)", nil)
	assert.Equal(t, "pass", evs[len(evs)-1].Action, "%+v", evs)

	evs = postRun(t, base, token, "loop", "fmt.Println(\"looping\")\nfor {}", func(e report.Event) {
		if e.Stream == "stdout" {
			// The loop runs: pages are still served, then Stop.
			t0 := time.Now()
			resp, err := http.Get(base + "/nb.html")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)
			assert.Less(t, time.Since(t0), 10*time.Second, "a page during a run")
			assert.Equal(t, 204, post(t, base, token, "/__stop", `{"chapter": "nb.md", "cell": "loop"}`))
		}
	})
	res := evs[len(evs)-1]
	assert.Equal(t, "interrupted", res.FailKind, "%+v", evs)
	// "interrupted", not "timeout": Stop ended it, before the cell's 1s
	// timeout could (no wall-clock bound here: CI machines are loaded).
	evs = postRun(t, base, token, "show", "fmt.Println(\"x is\", x)", nil)
	assert.Equal(t, "pass", evs[len(evs)-1].Action, "the session answers after Stop: %+v", evs)

	t0 := time.Now()
	evs = postRun(t, base, token, "loop", "for {}", nil)
	assert.Equal(t, "timeout", evs[len(evs)-1].FailKind, "%+v", evs)
	assert.Less(t, time.Since(t0), 30*time.Second, "the timeout ends the run")
	evs = postRun(t, base, token, "show", "x = 7\nfmt.Println(\"x is\", x)", nil)
	assert.Equal(t, "x is 7\n", evs[2].Output, "the session answers after the timeout: %+v", evs)

	assert.Equal(t, 204, post(t, base, token, "/__restart", `{"chapter": "nb.md"}`))
	evs = postRun(t, base, token, "show", "fmt.Println(\"x is\", x)", nil)
	assert.Equal(t, "pass", evs[len(evs)-1].Action, "a restarted session replays setup, not the edit: %+v", evs)
}

// nbBrowser starts a headless Chromium, or skips.
func nbBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("no /usr/bin/chromium: skipping browser tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	// The browser starts with the first action: on this context, so that
	// the steps' own deadlines do not end it.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")))
	return bctx
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

func steps(t *testing.T, ctx context.Context, as ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, a := range as {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(sctx, a)
		cancel()
		require.NoError(t, err, "step %d", i+1)
	}
}

// nbShot saves a screenshot of the page under the test's artifacts (go
// test -artifacts -outputdir DIR keeps them).
func nbShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), buf, 0o644))
}

// waitJS waits until the expression is true in the page.
func waitJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !eval[bool](t, ctx, js) {
		require.True(t, time.Now().Before(deadline), "waiting for %s", js)
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotebookBrowser: a reader edits a cell of the served chapter, runs
// it with Shift+Enter, and sees its new output and the diff against the
// chapter's; an edit of a declaration marks the later cell that uses it
// stale; the edit survives a reload and Reset brings the chapter's code
// back. A page of another loopback port cannot make a run happen.
func TestNotebookBrowser(t *testing.T) {
	base, token, runs := serveBook(t)
	ctx := nbBrowser(t)
	var mu sync.Mutex
	var thrown []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdpruntime.EventExceptionThrown); ok {
			mu.Lock()
			thrown = append(thrown, e.ExceptionDetails.Text+" "+e.ExceptionDetails.URL)
			mu.Unlock()
		}
	}))
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		assert.Empty(t, thrown, "no exception in the notebook's script")
	}()
	steps(t, ctx, chromedp.Navigate(base+"/nb.html"), chromedp.WaitVisible(`[data-cell="show"] .nb-run`))
	assert.Equal(t, "none", eval[string](t, ctx, `getComputedStyle(document.querySelector(".cell-head"), "::after").content`), "the static build's hint gives way to the controls")

	show := `[data-cell="show"]`
	steps(t, ctx, chromedp.Click(show+" .nb-edit"), chromedp.WaitVisible(show+" textarea"))
	eval[any](t, ctx, `(function(){var a = document.querySelector('`+show+` textarea'); a.select(); return null})()`)
	steps(t, ctx, chromedp.SendKeys(show+" textarea", "fmt.Println(\"x is\", x*10)"))
	assert.Contains(t, eval[string](t, ctx, `document.querySelector('`+show+` .highlight code').innerHTML`), `<span class="s">"x is"</span>`,
		"the edit is highlighted as it is typed")
	steps(t, ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)))
	waitJS(t, ctx, `!!document.querySelector('`+show+` .problems')`)
	out := eval[string](t, ctx, `document.querySelector('`+show+` .stream.stdout pre').textContent`)
	assert.Equal(t, "x is 10\n", out)
	diff := eval[string](t, ctx, `document.querySelector('`+show+` .problems pre').textContent`)
	assert.Contains(t, diff, "-x is 1\n+x is 10")
	assert.Equal(t, "fail", eval[string](t, ctx, `document.querySelector('`+show+` .badge').textContent`))
	assert.Contains(t, eval[string](t, ctx, `document.querySelector('`+show+` .highlight code').innerHTML`), `<span class="s">"x is"</span>`, "still highlighted after the run")

	nbShot(t, ctx, "notebook-edited-run")

	// An edit of setup's x makes show stale.
	setup := `[data-cell="setup"]`
	steps(t, ctx, chromedp.Click(setup+" .nb-edit"), chromedp.WaitVisible(setup+" textarea"))
	eval[any](t, ctx, `(function(){var a = document.querySelector('`+setup+` textarea'); a.select(); return null})()`)
	steps(t, ctx, chromedp.SendKeys(setup+" textarea", "import \"fmt\"\n\nx := 2\n"), chromedp.Click(setup+" .nb-run"))
	waitJS(t, ctx, `document.querySelector('`+show+`').classList.contains("nb-stale")`)
	steps(t, ctx, chromedp.Click(show+" .nb-stale-note .nb-btn"))
	waitJS(t, ctx, `!document.querySelector('`+show+`').classList.contains("nb-stale") && /x is 20/.test((document.querySelector('`+show+` .stream.stdout pre')||{}).textContent)`)

	nbShot(t, ctx, "notebook-stale-rerun")

	// Edits survive a reload; Reset brings the chapter's code back.
	steps(t, ctx, chromedp.Reload(), chromedp.WaitVisible(show+" .nb-run"))
	assert.Equal(t, "fmt.Println(\"x is\", x*10)", strings.TrimSpace(eval[string](t, ctx, `document.querySelector('`+show+` .highlight code').textContent`)))
	assert.Contains(t, eval[string](t, ctx, `document.querySelector('`+show+`').className`), "nb-edited")
	steps(t, ctx, chromedp.Click(show+" .nb-reset"))
	assert.Equal(t, "fmt.Println(\"x is\", x)", strings.TrimSpace(eval[string](t, ctx, `document.querySelector('`+show+` .highlight code').textContent`)))
	assert.NotContains(t, eval[string](t, ctx, `document.querySelector('`+show+`').className`), "nb-edited")
	assert.Nil(t, eval[any](t, ctx, `localStorage.getItem("book-edit:nb.md:show")`))

	// Tab inserts a tab, which undo (the command Ctrl/Cmd+Z gives)
	// takes back: the editor keeps the textarea's own undo history.
	steps(t, ctx, chromedp.Click(show+" .nb-edit"), chromedp.WaitVisible(show+" textarea"))
	eval[any](t, ctx, `(function(){var a = document.querySelector('`+show+` textarea'); a.focus(); a.setSelectionRange(0, 0); return null})()`)
	steps(t, ctx, chromedp.KeyEvent("\t"))
	assert.Equal(t, "\tfmt.Println(\"x is\", x)\n", eval[string](t, ctx, `document.querySelector('`+show+` textarea').value`))
	assert.True(t, eval[bool](t, ctx, `document.execCommand("undo")`))
	assert.Equal(t, "fmt.Println(\"x is\", x)\n", eval[string](t, ctx, `document.querySelector('`+show+` textarea').value`))

	// Closing the page stops its run: an endless loop (timeout 10s) in
	// show, then another page; the next run of the chapter starts at once.
	eval[any](t, ctx, `(function(){var a = document.querySelector('`+show+` textarea'); a.select(); return null})()`)
	steps(t, ctx, chromedp.SendKeys(show+" textarea", "for {}"))
	n := runs.Load()
	steps(t, ctx, chromedp.Click(show+" .nb-run"))
	require.Eventually(t, func() bool { return runs.Load() > n }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	steps(t, ctx, chromedp.Navigate("about:blank"))
	t0 := time.Now()
	evs := postRun(t, base, token, "show", "fmt.Println(\"x is\", x)", nil)
	assert.Less(t, time.Since(t0), 5*time.Second, "the closed page's run was stopped: %+v", evs)

	// Another loopback origin, even knowing the token, cannot run code.
	before := runs.Load()
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>evil</title><script>
window.results = [];
var body = JSON.stringify({chapter: "nb.md", cell: "show", code: "fmt.Println(\"pwned\")"});
fetch(%q, {method: "POST", headers: {"X-Book-Token": %q, "Content-Type": "application/json"}, body: body})
  .then(function (r) { window.results.push("cors: " + r.status) }, function (e) { window.results.push("cors failed") });
fetch(%q, {method: "POST", mode: "no-cors", body: body})
  .then(function (r) { window.results.push("no-cors: opaque") }, function (e) { window.results.push("no-cors failed") });
</script>`, base+"/__run", token, base+"/__run")
	}))
	defer evil.Close()
	steps(t, ctx, chromedp.Navigate(evil.URL))
	waitJS(t, ctx, `window.results && window.results.length === 2`)
	results := eval[[]string](t, ctx, `window.results`)
	assert.Contains(t, results, "cors failed", "the fetch from another port fails")
	assert.Equal(t, before, runs.Load(), "no run happened: %v", results)
}

// TestNotebookMeasure measures, in the browser, the time from Run to the
// first output byte in the page (median of 20): a one-line fragment, a
// small complete program, and beside them go run of the program as a
// file. Set BOOK_MEASURE=1 to run it.
func TestNotebookMeasure(t *testing.T) {
	if os.Getenv("BOOK_MEASURE") == "" {
		t.Skip("BOOK_MEASURE=1 measures the notebook's latency")
	}
	base, _, _ := serveBook(t)
	ctx := nbBrowser(t)
	steps(t, ctx, chromedp.Navigate(base+"/nb.html"), chromedp.WaitVisible(`[data-cell="prog"] .nb-run`))
	measure := func(cell string) []float64 {
		var ms []float64
		for i := 0; i < 21; i++ {
			n := eval[int](t, ctx, `window.__bookRuns.length`)
			steps(t, ctx, chromedp.Click(`[data-cell="`+cell+`"] .nb-run`))
			waitJS(t, ctx, fmt.Sprintf(`window.__bookRuns.length > %d && window.__bookRuns[%d].end > 0`, n, n))
			first := eval[float64](t, ctx, fmt.Sprintf(`window.__bookRuns[%d].first - window.__bookRuns[%d].start`, n, n))
			if i > 0 { // the first run of a chapter starts its worker and replays
				ms = append(ms, first)
			}
		}
		return ms
	}
	frag := measure("show")
	prog := measure("prog")
	dir := t.TempDir()
	file := filepath.Join(dir, "main.go")
	require.NoError(t, os.WriteFile(file, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644))
	var gorun []float64
	for i := 0; i < 21; i++ {
		cmd := exec.Command("go", "run", file)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off")
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		t0 := time.Now()
		require.NoError(t, cmd.Start())
		b := make([]byte, 1)
		_, err = out.Read(b)
		d := time.Since(t0)
		require.NoError(t, err)
		io.Copy(io.Discard, out)
		require.NoError(t, cmd.Wait())
		if i > 0 {
			gorun = append(gorun, float64(d.Microseconds())/1000)
		}
	}
	t.Logf("Run to first output byte in the page, median of 20: fragment %.1f ms (min %.1f, max %.1f); program %.1f ms (min %.1f, max %.1f); go run of the program as a file %.1f ms (min %.1f, max %.1f)",
		median(frag), slices.Min(frag), slices.Max(frag), median(prog), slices.Min(prog), slices.Max(prog), median(gorun), slices.Min(gorun), slices.Max(gorun))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
