package site

import (
	"html"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filesChapter has a file cell after one program that uses it and before
// another, whose own file imports a package the file cell imports too.
const filesChapter = "# F\n\n" +
	"```{.go title=\"pool.go\" name=\"pool\" with=\"work\"}\n" +
	"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(run(3)) }\n" +
	"```\n\n" +
	"```{.go title=\"work.go\" name=\"work\" .file}\n" +
	"package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\n" +
	"// run says n in words.\nfunc run(n int) string { return strings.Repeat(fmt.Sprint(n), n) }\n" +
	"```\n\n" +
	"```{.go title=\"sync.go\" name=\"sync\" with=\"work\"}\n" +
	"package main\n\nfunc main() { println(run(2)) }\n" +
	"```\n"

// wantCopy is what the copy button of pool copies: one file, imports
// merged, each file under a comment with its name, gofmt's layout.
const wantCopy = "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\n" +
	"// pool.go\n\nfunc main() { fmt.Println(run(3)) }\n\n" +
	"// work.go\n\n// run says n in words.\nfunc run(n int) string { return strings.Repeat(fmt.Sprint(n), n) }\n"

var dataCopy = regexp.MustCompile(` data-copy="([^"]*)"`)

// TestSharedFileShownOnce: a file cell's code is on the page once, where
// it stands; each program built with it links to it and copies the whole
// program, which go run builds.
func TestSharedFileShownOnce(t *testing.T) {
	a := &archive{Files: []archiveFile{
		{Name: "mkdocs.yml", Data: "site_name: T\ndocs_dir: chapters\nuse_directory_urls: false\n"},
		{Name: "chapters/index.md", Data: filesChapter},
	}}
	s, _, err := buildArchive(t, a)
	require.NoError(t, err)
	page := s.order[0].content
	shown := dataCopy.ReplaceAllString(page, "")
	assert.Equal(t, 1, strings.Count(shown, "run says n in words"), "the file cell's code is shown once")
	assert.Equal(t, 2, strings.Count(page, `<span class="cell-uses">uses <a href="#cell-work">work.go</a></span>`), "each program links to the file")
	copies := dataCopy.FindAllStringSubmatch(page, -1)
	require.Len(t, copies, 2, "the two programs copy the whole program; the file cell its own code")
	assert.Equal(t, wantCopy, html.UnescapeString(copies[0][1]))
	assert.Contains(t, html.UnescapeString(copies[1][1]), "// sync.go\n\nfunc main() { println(run(2)) }\n\n// work.go\n")

	// After a run, the file cell's result (skipped: built into the
	// programs) is its badge, not an error box.
	a.Files = append(a.Files, archiveFile{Name: "reports/index.md.json", Data: `{"chapter":"chapters/index.md","results":[` +
		`{"cell":"pool","line":3,"kind":"program","engine":"yaegi","status":"pass","stdout":"333\n"},` +
		`{"cell":"work","line":11,"kind":"file","status":"skip","error":"file cell: built into pool, sync"},` +
		`{"cell":"sync","line":22,"kind":"program","engine":"yaegi","status":"pass","stderr":"22\n"}]}`})
	s, _, err = buildArchive(t, a)
	require.NoError(t, err)
	ran := s.order[0].content
	assert.Contains(t, ran, `<span class="cell-title">work.go</span><span class="badge badge-skip">shared file</span><span class="cell-meta">built into pool, sync</span>`)
	assert.NotContains(t, ran, "cell-error")
	if testing.Short() {
		return
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(html.UnescapeString(copies[0][1])), 0o644))
	cmd := exec.Command("go", "run", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "333\n", string(out), "the copied program runs as the cell does")
}

// TestBrowserCopyProgram: in Chromium, the copy button of a program built
// with a file cell puts the whole program on the clipboard; the file
// cell's button, its own code.
func TestBrowserCopyProgram(t *testing.T) {
	ctx := browser(t)
	out := buildFixture(t, "files", false)
	ts := httptest.NewServer(&Server{Dir: out})
	defer ts.Close()
	do(t, ctx, chromedp.Navigate(ts.URL+"/files.html"), chromedp.WaitVisible(".cell"))
	run(t, ctx, chromedp.Evaluate[any](`window.copied = null;
		navigator.clipboard.writeText = function (s) { window.copied = s; return Promise.resolve(); }`))
	do(t, ctx, chromedp.Click("#cell-pool button.copy"))
	assert.Equal(t, wantCopy, run(t, ctx, chromedp.Evaluate[string](`window.copied`)))
	do(t, ctx, chromedp.Click("#cell-work button.copy"))
	own := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#cell-work code").textContent`))
	assert.Equal(t, own, run(t, ctx, chromedp.Evaluate[string](`window.copied`)))
	assert.True(t, strings.HasPrefix(own, "package main\n\nimport (\n\t\"fmt\""), own)
	do(t, ctx, chromedp.Click("#cell-sync .cell-uses a"), chromedp.Sleep(200*time.Millisecond))
	assert.Equal(t, "#cell-work", run(t, ctx, chromedp.Evaluate[string](`location.hash`)), "uses work.go goes to the file")
}
