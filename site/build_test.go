package site

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildFixture builds testdata/site/NAME.txtar into a directory and returns
// the directory of the written site.
func buildFixture(t testing.TB, name string, live bool) string {
	t.Helper()
	data, err := os.ReadFile("../testdata/site/" + name + ".txtar")
	require.NoError(t, err)
	a := parseArchive(string(data))
	dir := t.TempDir()
	reports := map[string]*report.Report{}
	for _, f := range a.Files {
		switch {
		case strings.HasPrefix(f.Name, "want/"):
		case strings.HasPrefix(f.Name, "reports/"):
			var r report.Report
			require.NoError(t, json.Unmarshal([]byte(f.Data), &r))
			reports[strings.TrimSuffix(strings.TrimPrefix(f.Name, "reports/"), ".json")] = &r
		default:
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(f.Data), 0o644))
		}
	}
	cfg, err := LoadConfig(filepath.Join(dir, "mkdocs.yml"))
	require.NoError(t, err)
	_, err = Build(Options{Config: cfg, Reports: reports, LiveReload: live})
	require.NoError(t, err)
	return cfg.SitePath()
}

// TestBuiltSiteLinks checks every link of the built fixture sites and of
// the book itself (without running it).
func TestBuiltSiteLinks(t *testing.T) {
	for _, name := range []string{"cells", "markdown"} {
		out := buildFixture(t, name, false)
		assert.NoError(t, CheckLinks(os.DirFS(out)), name)
		for _, f := range []string{"index.html", "404.html", "sitemap.xml", "search/search_index.json", "search/search_index.js", "assets/style.css", "assets/site.js"} {
			assert.FileExists(t, filepath.Join(out, f))
		}
	}
}

// TestCheckLinksFails makes sure the link checker notices each kind of
// broken reference.
func TestCheckLinksFails(t *testing.T) {
	out := buildFixture(t, "markdown", false)
	page := filepath.Join(out, "index.html")
	orig, err := os.ReadFile(page)
	require.NoError(t, err)
	for _, tc := range []struct{ inject, want string }{
		{`<a href="missing.html">x</a>`, `no file missing.html`},
		{`<a href="sub/page.html#nope">x</a>`, `no id "nope" in sub/page.html`},
		{`<a href="#nope">x</a>`, `no id "nope" in index.html`},
		{`<script src="https://cdn.example.com/x.js"></script>`, `loads from another origin`},
		{`<link rel="stylesheet" href="//fonts.example.com/f.css">`, `loads from another origin`},
		{`<img src="/abs.png">`, `absolute path`},
		{`<a href="../../etc/passwd">x</a>`, `leaves the site`},
	} {
		require.NoError(t, os.WriteFile(page, []byte(strings.Replace(string(orig), "</article>", tc.inject+"</article>", 1)), 0o644))
		err := CheckLinks(os.DirFS(out))
		if assert.Error(t, err, tc.inject) {
			assert.Contains(t, err.Error(), "index.html: ")
			assert.Contains(t, err.Error(), tc.want)
		}
	}
	// An external link the reader follows is fine.
	require.NoError(t, os.WriteFile(page, []byte(strings.Replace(string(orig), "</article>", `<a href="https://go.dev/">Go</a></article>`, 1)), 0o644))
	assert.NoError(t, CheckLinks(os.DirFS(out)))
}

// TestBookBuilds builds the book's own chapters from the repository's
// mkdocs.yml without running them, and checks the links of the result.
// Nav entries for chapters not written yet are reported, not fatal.
func TestBookBuilds(t *testing.T) {
	cfg, err := LoadConfig("../mkdocs.yml")
	require.NoError(t, err)
	cfg.SiteDir = t.TempDir()
	s, err := Build(Options{Config: cfg})
	require.NotNil(t, s)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.Contains(line, "is not a page of") && !strings.Contains(line, "no page") {
				t.Errorf("%s", line)
			} else {
				t.Logf("not written yet: %s", line)
			}
		}
	}
	if err == nil {
		assert.NoError(t, CheckLinks(os.DirFS(cfg.SitePath())))
	}
}

// TestOutputIsEscaped: whatever a cell prints, the page shows it as text.
func TestOutputIsEscaped(t *testing.T) {
	src := "# T\n\n```go\npackage main\n```\n\n```output\n<b>golden</b>\n```\n"
	evil := `<script>alert("x")</script>&<img src=x onerror=alert(1)>`
	for _, rep := range []*report.Report{
		{Results: []*chapter.Result{{Cell: "L3", Status: chapter.Fail, Stdout: evil, Stderr: evil, Error: evil,
			Engine: evil, Problems: []string{evil}}}},
		nil, // -norun: the golden block is shown
	} {
		s := loadOne(t, src, rep)
		got, _ := s.Content("index.md")
		assert.NotContains(t, got, "<script>")
		assert.NotContains(t, got, "<img")
		assert.NotContains(t, got, "<b>")
		if rep != nil {
			assert.Contains(t, got, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;`)
		} else {
			assert.Contains(t, got, `&lt;b&gt;golden&lt;/b&gt;`)
		}
	}
}

func loadOne(t *testing.T, src string, rep *report.Report) *Site {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "index.md"), []byte(src), 0o644))
	cfg, err := ParseConfig(filepath.Join(dir, "mkdocs.yml"), []byte("site_name: T\n"), nil)
	require.NoError(t, err)
	s, err := Load(Options{Config: cfg, Reports: map[string]*report.Report{"index.md": rep}})
	require.NoError(t, err)
	return s
}

// TestGoldenHiddenWhenRun: with a result, the golden output block is not
// rendered on its own; the captured output takes its place.
func TestGoldenHiddenWhenRun(t *testing.T) {
	src := "```go\npackage main\n```\n\n```output\nGOLDEN\n```\n"
	s := loadOne(t, src, &report.Report{Results: []*chapter.Result{{Cell: "L1", Status: chapter.Pass, Stdout: "CAPTURED\n"}}})
	got, _ := s.Content("index.md")
	assert.NotContains(t, got, "GOLDEN")
	assert.Contains(t, got, "CAPTURED")
	s = loadOne(t, src, nil)
	got, _ = s.Content("index.md")
	assert.Contains(t, got, `<div class="stream stdout golden">`)
	assert.Contains(t, got, "GOLDEN")
}

func TestWriteRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "old.html")
	require.NoError(t, os.WriteFile(stale, []byte("x"), 0o644))
	s := &Site{Files: map[string][]byte{"a/b.html": []byte("b")}}
	require.NoError(t, s.Write(dir))
	assert.NoFileExists(t, stale)
	assert.FileExists(t, filepath.Join(dir, "a", "b.html"))
}

func TestServer(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	require.NoError(t, os.MkdirAll(filepath.Join(out, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("SECRET"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "index.html"), []byte("INDEX"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "404.html"), []byte("NOTFOUND"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "sub", "page.html"), []byte("PAGE"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(out, "link.txt")))

	built := make(chan bool, 10)
	srv := &Server{Dir: out, Watch: []string{filepath.Join(parent, "secret.txt")}, Interval: 10 * time.Millisecond,
		Rebuild: func() error { built <- true; return nil }}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	get := func(raw string) (int, string) {
		// A raw request line: the client would clean the path itself.
		req, err := http.NewRequest("GET", ts.URL+"/", nil)
		require.NoError(t, err)
		req.URL.Opaque = raw
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/", 200, "INDEX"},
		{"/index.html", 200, "INDEX"},
		{"/sub/page.html", 200, "PAGE"},
		{"/sub/", 404, "NOTFOUND"},
		{"/sub", 404, "NOTFOUND"},
		{"/nope.html", 404, "NOTFOUND"},
		{"/../secret.txt", 404, "NOTFOUND"},
		{"/%2e%2e/secret.txt", 404, "NOTFOUND"},
		{"/..%2fsecret.txt", 404, "NOTFOUND"},
		{"/sub/..%2f..%2fsecret.txt", 404, "NOTFOUND"},
		{"/..%5csecret.txt", 404, "NOTFOUND"},
		{"/link.txt", 404, "NOTFOUND"},
		{"/%00", 404, "NOTFOUND"},
	} {
		code, body := get(tc.path)
		assert.Equal(t, tc.code, code, tc.path)
		assert.Equal(t, tc.body, body, tc.path)
	}

	_, v0 := get("/__version")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Run(ctx)
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("CHANGED, LONGER"), 0o644))
	select {
	case <-built:
	case <-time.After(5 * time.Second):
		t.Fatal("no rebuild after a change")
	}
	require.Eventually(t, func() bool { _, v := get("/__version"); return v != v0 }, 5*time.Second, 10*time.Millisecond)
}

// TestRunChaptersCache: every chapter with cells goes to the runner with
// the cache (the runner decides per cell what to take from it), pages
// without cells do not, and the log says what came from the cache.
func TestRunChaptersCache(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	require.NoError(t, os.MkdirAll(docs, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(docs, "a.md"), []byte("```go\npackage main\n```\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(docs, "b.md"), []byte("no cells\n"), 0o644))
	cfg, err := ParseConfig(filepath.Join(dir, "mkdocs.yml"), []byte("site_name: C\n"), nil)
	require.NoError(t, err)

	cache := &cellcache.Cache{Dir: filepath.Join(dir, ".cache"), Engine: "auto"}
	var got []*cellcache.Cache
	var log bytes.Buffer
	opts := RunOptions{
		Cache: cache,
		Log:   &log,
		Run: func(ctx context.Context, path string, c *cellcache.Cache) (*report.Report, error) {
			got = append(got, c)
			return &report.Report{Chapter: path, Results: []*chapter.Result{{Cell: "L1", Status: chapter.Pass}}}, nil
		},
	}
	reps, err := RunChapters(context.Background(), cfg, opts)
	require.NoError(t, err)
	assert.Equal(t, []*cellcache.Cache{cache}, got, "only the chapter with cells runs, with the cache")
	assert.Contains(t, reps, "a.md")
	assert.Contains(t, log.String(), "a.md: ok (")
	assert.Contains(t, log.String(), ", 0 from the cache, 0 computed)")

	// -serve keeps the last reports: an unchanged chapter does not go to
	// the runner again; an edited one, or one whose timing record changed, does.
	opts.Last = &LastReports{}
	_, err = RunChapters(context.Background(), cfg, opts)
	require.NoError(t, err)
	require.Len(t, got, 2)
	reps, err = RunChapters(context.Background(), cfg, opts)
	require.NoError(t, err)
	assert.Len(t, got, 2, "unchanged: the last report")
	assert.Contains(t, reps, "a.md")
	require.NoError(t, os.WriteFile(filepath.Join(docs, "a.md"), []byte("Prose.\n\n```go\npackage main\n```\n"), 0o644))
	_, err = RunChapters(context.Background(), cfg, opts)
	require.NoError(t, err)
	assert.Len(t, got, 3, "edited: to the runner")
	require.NoError(t, os.WriteFile(filepath.Join(docs, "a.timings.json"), []byte(`{"records":[]}`), 0o644))
	_, err = RunChapters(context.Background(), cfg, opts)
	require.NoError(t, err)
	assert.Len(t, got, 4, "a new timing record: to the runner")
}

func TestTimelineSVG(t *testing.T) {
	assert.Equal(t, time.Duration(200), niceStep(1000))
	assert.Equal(t, 500*time.Millisecond, niceStep(3*time.Second))
	assert.Equal(t, time.Second, niceStep(8*time.Second))
}

// TestExpectationsShown: an expect block shows what the run measured (ratio,
// bound, ideal, verdict, the machine), and the page footer names the
// chapter's timing record.
func TestExpectationsShown(t *testing.T) {
	src := "# T\n\n```{.go name=\"a\"}\npackage main\n\nfunc main() {}\n```\n\n```{.go name=\"b\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```expect\nspeedup b over a >= 1.4 ideal 2\nspeedup b over a <= 1.0\n```\n"
	m := &timing.Machine{CPUs: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", Engine: "yaegi", Yaegi: "v0.16.1"}
	rep := &report.Report{Machine: m, Expectations: []*timing.ExpectResult{
		{Line: 16, Text: "speedup b over a >= 1.4 ideal 2", Cell: "b", Over: "a", Op: ">=", Status: timing.ExpectPass,
			Ratio: 1.91, Samples: []float64{1.9, 1.91, 1.95, 1.92, 1.9}, Low: 1.9, High: 1.95, Bound: 1.4, Ideal: 2, Recorded: 1.93, RecordedOn: "2 cpus, <b>"},
		{Line: 17, Text: "speedup b over a <= 1.0", Cell: "b", Over: "a", Op: "<=", Status: timing.ExpectFail,
			Ratio: 1.91, Samples: []float64{1.9, 1.91, 1.95}, Bound: 1, Reason: "speedup 1.91x is not <= 1.00"},
	}}
	s := loadOne(t, src, rep)
	got, _ := s.Content("index.md")
	assert.Contains(t, got, `measured <strong>1.91×</strong> (5 rounds; 90% confidence 1.90–1.95), bound ≥ 1.40, ideal 2.00: 96% of ideal; recorded 1.93× on 2 cpus, &lt;b&gt;`)
	assert.Contains(t, got, `(3 rounds), bound ≤ 1.00`, "too few rounds for an interval: none shown")
	assert.Contains(t, got, `<span class="badge badge-fail">fail</span>`)
	assert.Contains(t, got, `speedup 1.91x is not &lt;= 1.00`)
	assert.Contains(t, got, "Measured on 2 cpus, GOMAXPROCS 2, linux/amd64, go1.26.8, engine yaegi v0.16.1.")

	// The footer names the golden record beside the chapter.
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	require.NoError(t, os.MkdirAll(docs, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(docs, "index.md"), []byte(src), 0o644))
	tm := &timing.Timings{}
	tm.Set(&timing.TimingRecord{Engine: "yaegi", Machine: *m, Expectations: rep.Expectations})
	require.NoError(t, timing.WriteTimings(filepath.Join(docs, "index.md"), tm))
	cfg, err := ParseConfig(filepath.Join(dir, "mkdocs.yml"), []byte("site_name: T\n"), nil)
	require.NoError(t, err)
	cfg.SiteDir = filepath.Join(dir, "out")
	_, err = Build(Options{Config: cfg, Reports: map[string]*report.Report{"index.md": rep}})
	require.NoError(t, err)
	page, err := os.ReadFile(filepath.Join(cfg.SitePath(), "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<footer class="page-footer"><div>Timing record (yaegi): 2 expectations measured`)
}
