package site

import (
	"bufio"
	"context"
	"encoding/json"
	"github.com/concurrency101/book/runner/chapter"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeKernel stands for runner.Kernel: it prints the code back, and a
// code of "block" waits until its run is stopped.
type fakeKernel struct {
	runs     atomic.Int32
	restarts atomic.Int32
	started  chan string
}

func (k *fakeKernel) Run(ctx context.Context, cell, code string, emit func(report.Event)) error {
	k.runs.Add(1)
	if cell == "missing" {
		return io.ErrUnexpectedEOF
	}
	emit(report.Event{Action: report.ActionRun, Test: cell})
	emit(report.Event{Action: report.ActionOutput, Test: cell, Stream: "stdout", Output: code})
	if k.started != nil {
		k.started <- cell
	}
	if code == "block" {
		<-ctx.Done()
		emit(report.Event{Action: report.ActionFail, Test: cell, FailKind: "interrupted"})
		return nil
	}
	pass := report.Event{Action: report.ActionPass, Test: cell}
	if code == "spans" {
		pass.Spans = []chapter.Region{{Lane: "task 1", Start: 0, End: 20 * time.Millisecond}, {Lane: "task 2", Start: 5 * time.Millisecond, End: 30 * time.Millisecond}}
	}
	emit(pass)
	return nil
}
func (k *fakeKernel) Restart() { k.restarts.Add(1) }
func (k *fakeKernel) Close()   {}

// notebookServer serves a one-chapter site whose page ch.html comes from
// docs/ch.md, with the notebook in front.
func notebookServer(t *testing.T, k Kernel) (*httptest.Server, *Notebook) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "out"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "ch.md"), []byte("# Ch\n\n```{.go name=\"hello\"}\nfmt.Println(1)\n```\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "out", "ch.html"), []byte("<!doctype html><html><head><title>x</title></head><body><article></article></body></html>"), 0o644))
	nb := &Notebook{Pages: &Server{Dir: filepath.Join(dir, "out")}, Docs: filepath.Join(dir, "docs"), Token: "secret",
		NewKernel: func(string) Kernel { return k }}
	srv := httptest.NewServer(nb)
	t.Cleanup(srv.Close)
	nb.Hosts = LoopbackHosts(srv.Listener.Addr().String())
	return srv, nb
}

type call struct {
	method, path, host, origin, token, body string
	chunked                                 bool // send the body without a Content-Length
}

func (c call) do(t *testing.T, srv *httptest.Server) *http.Response {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
	require.NoError(t, err)
	if c.chunked {
		req.ContentLength = -1
	}
	if c.host != "" {
		req.Host = c.host
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	if c.token != "" {
		req.Header.Set("X-Book-Token", c.token)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const okBody = `{"chapter": "ch.md", "cell": "hello", "code": "fmt.Println(2)"}`

// TestNotebookRefuses: a request that is not its own page's gets no run.
func TestNotebookRefuses(t *testing.T) {
	k := &fakeKernel{}
	srv, _ := notebookServer(t, k)
	own := strings.TrimPrefix(srv.URL, "http://")
	big := `{"chapter": "ch.md", "cell": "hello", "code": "` + strings.Repeat("x", 1<<20) + `"}`
	for _, tc := range []struct {
		name string
		call call
		code int
	}{
		{"GET /__run", call{method: "GET", path: "/__run", token: "secret"}, 405},
		{"no token", call{method: "POST", path: "/__run", body: okBody}, 403},
		{"wrong token", call{method: "POST", path: "/__run", token: "secreT", body: okBody}, 403},
		{"forged Host", call{method: "POST", path: "/__run", host: "evil.example:" + strings.Split(own, ":")[1], token: "secret", body: okBody}, 421},
		{"forged Host, page", call{method: "GET", path: "/ch.html", host: "evil.example"}, 421},
		{"other origin", call{method: "POST", path: "/__run", origin: "http://127.0.0.1:1", token: "secret", body: okBody}, 403},
		{"other origin, stop", call{method: "POST", path: "/__stop", origin: "http://localhost:" + strings.Split(own, ":")[1], token: "secret", body: `{"chapter": "ch.md"}`}, 403},
		{"oversized body", call{method: "POST", path: "/__run", token: "secret", body: big}, 413},
		{"oversized body, chunked", call{method: "POST", path: "/__run", token: "secret", body: big, chunked: true}, 413},
		{"unknown chapter", call{method: "POST", path: "/__run", token: "secret", body: `{"chapter": "../go.mod", "cell": "x", "code": ""}`}, 404},
		{"no code", call{method: "POST", path: "/__run", token: "secret", body: `{"chapter": "ch.md", "cell": "x"}`}, 400},
	} {
		resp := tc.call.do(t, srv)
		assert.Equal(t, tc.code, resp.StatusCode, tc.name)
		for h := range resp.Header {
			assert.NotContains(t, strings.ToLower(h), "access-control", tc.name)
		}
	}
	assert.Zero(t, k.runs.Load(), "no refused request reached the kernel")

	resp := call{method: "POST", path: "/__run", origin: srv.URL, token: "secret", body: okBody}.do(t, srv)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/x-ndjson", resp.Header.Get("Content-Type"))
	var evs []report.Event
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var e report.Event
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		evs = append(evs, e)
	}
	require.Len(t, evs, 3)
	assert.Equal(t, "fmt.Println(2)", evs[1].Output)
	assert.Equal(t, "pass", evs[2].Action)

	resp = call{method: "POST", path: "/__run", token: "secret", body: `{"chapter": "ch.md", "cell": "missing", "code": ""}`}.do(t, srv)
	assert.Equal(t, 400, resp.StatusCode)
}

// TestNotebookDiagram: a result that carries spans reaches the page with
// its timing diagram drawn (the SVG the static page shows), one without
// spans with none.
func TestNotebookDiagram(t *testing.T) {
	srv, _ := notebookServer(t, &fakeKernel{})
	result := func(code string) map[string]any {
		t.Helper()
		resp := call{method: "POST", path: "/__run", token: "secret", body: `{"chapter": "ch.md", "cell": "hello", "code": "` + code + `"}`}.do(t, srv)
		require.Equal(t, 200, resp.StatusCode)
		var last map[string]any
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			last = nil
			require.NoError(t, json.Unmarshal(sc.Bytes(), &last))
		}
		require.Equal(t, "pass", last["Action"])
		return last
	}
	d, _ := result("spans")["Diagram"].(string)
	assert.Contains(t, d, "<svg", "a diagram")
	assert.Contains(t, d, "task 1")
	assert.Contains(t, d, "task 2")
	assert.NotContains(t, result("fmt.Println(1)"), "Diagram")
}

// TestNotebookPage: a served chapter's page carries the token, the
// chapter, its cells and the notebook's script; other files are served
// as they are.
func TestNotebookPage(t *testing.T) {
	srv, _ := notebookServer(t, &fakeKernel{})
	resp := call{method: "GET", path: "/ch.html"}.do(t, srv)
	require.Equal(t, 200, resp.StatusCode)
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	assert.Contains(t, page, `<meta name="book-run-token" content="secret">`)
	assert.Contains(t, page, `<meta name="book-chapter" content="ch.md">`)
	assert.Contains(t, page, `<meta name="book-cells" content="[{&#34;name&#34;:&#34;hello&#34;,&#34;run&#34;:true,&#34;fragment&#34;:true}]">`)
	assert.Contains(t, page, `<script defer src="/__notebook.js"></script>`+"\n</head>")
	resp = call{method: "GET", path: "/__notebook.js"}.do(t, srv)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "javascript")
}

// TestNotebookQueue: one run at a time per chapter, two waiting, 429
// beyond; pages are served meanwhile; Stop ends a run, Restart the
// session.
func TestNotebookQueue(t *testing.T) {
	k := &fakeKernel{started: make(chan string, 8)}
	srv, nb := notebookServer(t, k)
	var wg sync.WaitGroup
	codes := make(chan int, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := call{method: "POST", path: "/__run", token: "secret", body: `{"chapter": "ch.md", "cell": "hello", "code": "block"}`}.do(t, srv)
			io.Copy(io.Discard, resp.Body)
			codes <- resp.StatusCode
		}()
	}
	<-k.started // one runs; the two others wait
	require.Eventually(t, func() bool {
		nb.mu.Lock()
		defer nb.mu.Unlock()
		return len(nb.chapters["ch.md"].runs) == 3
	}, 5*time.Second, 10*time.Millisecond)
	resp := call{method: "POST", path: "/__run", token: "secret", body: okBody}.do(t, srv)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, int32(1), k.runs.Load())

	t0 := time.Now()
	resp = call{method: "GET", path: "/ch.html"}.do(t, srv)
	assert.Equal(t, 200, resp.StatusCode, "pages are served during a run")
	assert.Less(t, time.Since(t0), 2*time.Second)

	resp = call{method: "POST", path: "/__stop", token: "secret", body: `{"chapter": "ch.md", "cell": "hello"}`}.do(t, srv)
	assert.Equal(t, 204, resp.StatusCode)
	wg.Wait()
	close(codes)
	for c := range codes {
		assert.Contains(t, []int{200, 204}, c)
	}
	resp = call{method: "POST", path: "/__restart", token: "secret", body: `{"chapter": "ch.md"}`}.do(t, srv)
	assert.Equal(t, 204, resp.StatusCode)
	assert.Equal(t, int32(1), k.restarts.Load())
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8000": true, "localhost:80": true, "[::1]:1": true, "127.1.2.3:9": true,
		":8000": false, "0.0.0.0:8000": false, "192.168.1.2:8000": false, "example.com:80": false, "nonsense": false} {
		assert.Equal(t, want, IsLoopback(addr), addr)
	}
}

// TestStaticBuildHasNoRunControls: the built site has no token and no
// notebook script; its cells say how to get them (the style sheet's hint
// on every cell head, which the notebook's style removes).
func TestStaticBuildHasNoRunControls(t *testing.T) {
	out := buildFixture(t, "cells", true)
	pages, err := filepath.Glob(filepath.Join(out, "*.html"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, p := range pages {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "book-run-token", p)
		assert.NotContains(t, string(b), "__notebook", p)
	}
	css, err := os.ReadFile(filepath.Join(out, "assets", "style.css"))
	require.NoError(t, err)
	assert.Contains(t, string(css), `.cell:not(.cell-skip) > .cell-head::after { content: "edit & run: go run ./cmd/site -serve"`)
	_, err = os.Stat(filepath.Join(out, "assets", "notebook.js"))
	assert.True(t, os.IsNotExist(err), "the notebook's script is served, not built")
}

// TestServeLoopbackOnly: -serve refuses a non-loopback -addr, before
// building, unless -allow-remote, which warns.
func TestServeLoopbackOnly(t *testing.T) {
	cfg := commandBook(t, "# Hello\n")
	var stdout, stderr strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // a server that starts ends
	defer cancel()
	code := Command(ctx, []string{"-config", cfg, "-norun", "-cache", "", "-serve", "-addr", "0.0.0.0:0"}, noRun(t), &stdout, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "-addr 0.0.0.0:0 is not a loopback address")
	assert.NotContains(t, stderr.String(), "pages into", "refused before the build")

	c := &command{addr: "0.0.0.0:0", allowRemote: true, stderr: &stderr}
	require.NoError(t, c.checkAddr())
	assert.Contains(t, stderr.String(), "warning: -allow-remote")
	c = &command{addr: "127.0.0.1:8000", stderr: &stderr}
	require.NoError(t, c.checkAddr())
}
