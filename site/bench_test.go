package site

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/require"
)

// BenchmarkBuildBook builds the book's chapters (without results: the
// runner's cache is read by the runner, which this package does not link),
// each time as a fresh process does: nothing highlighted in memory, the highlighting of
// earlier builds loaded from the cache directory ("cold" loads nothing).
// Target: 200ms.
func BenchmarkBuildBook(b *testing.B) {
	cfg, err := LoadConfig("../mkdocs.yml")
	require.NoError(b, err)
	var reports map[string]*report.Report
	cfg.SiteDir = b.TempDir()
	cache := b.TempDir()
	forgetHighlights()
	_, err = Build(Options{Config: cfg, Reports: reports})
	require.NoError(b, err)
	require.NoError(b, SaveHighlights(cache))
	for _, mode := range []string{"cached", "cold"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				forgetHighlights()
				if mode == "cached" {
					LoadHighlights(cache)
				}
				if s, _ := Build(Options{Config: cfg, Reports: reports}); s == nil {
					b.Fatal("no site")
				}
			}
		})
	}
	forgetHighlights()
}

// genBook writes a book of n chapters, each with prose, headings, a cell
// with a result and links to its neighbours, and returns its config.
func genBook(tb testing.TB, n int) (*Config, map[string]*report.Report) {
	dir := tb.TempDir()
	docs := filepath.Join(dir, "docs")
	require.NoError(tb, os.MkdirAll(docs, 0o755))
	var nav strings.Builder
	reports := map[string]*report.Report{}
	for i := range n {
		name := fmt.Sprintf("ch%04d.md", i)
		fmt.Fprintf(&nav, "  - Chapter %d: %s\n", i, name)
		var b strings.Builder
		fmt.Fprintf(&b, "# Chapter %d\n\n", i)
		for s := range 4 {
			fmt.Fprintf(&b, "## Section %d\n\nGoroutines and channels, *mutexes* and `sync.WaitGroup`: paragraph %d of chapter %d, see [next](ch%04d.md#section-1).\n\n", s, s, i, (i+1)%n)
		}
		fmt.Fprintf(&b, "```go title=\"c%d.go\"\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(\"line\", i)\n\t}\n}\n```\n\n```output\nline 0\nline 1\nline 2\n```\n", i)
		require.NoError(tb, os.WriteFile(filepath.Join(docs, name), []byte(b.String()), 0o644))
		reports[name] = &report.Report{Results: []*chapter.Result{{Cell: fmt.Sprintf("c%d", i), Status: chapter.Pass, Engine: "yaegi", Stdout: "line 0\nline 1\nline 2\n", Time: time.Millisecond}}}
	}
	yml := "site_name: Big\ndocs_dir: docs\nsite_dir: public\nuse_directory_urls: false\nmarkdown_extensions: [admonition, attr_list, {toc: {permalink: true}}]\nnav:\n" + nav.String()
	require.NoError(tb, os.WriteFile(filepath.Join(dir, "mkdocs.yml"), []byte(yml), 0o644))
	cfg, err := LoadConfig(filepath.Join(dir, "mkdocs.yml"))
	require.NoError(tb, err)
	return cfg, reports
}

// BenchmarkBuild1000 builds a generated book of 1,000 chapters. Target: 5s.
func BenchmarkBuild1000(b *testing.B) {
	cfg, reports := genBook(b, 1000)
	for b.Loop() {
		if _, err := Build(Options{Config: cfg, Reports: reports}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVsMkDocs times this builder and mkdocs build on the same book in
// the same run (the book's chapters, then 200 generated ones) and reports
// the ratio mkdocs/site. It skips when mkdocs is not installed.
func BenchmarkVsMkDocs(b *testing.B) {
	bin := mkdocsBinary(b)
	for _, bc := range []struct {
		name string
		cfg  func() *Config
	}{
		{"book", func() *Config {
			dir, _ := copyBook(b)
			cfg, err := LoadConfig(filepath.Join(dir, "mkdocs.yml"))
			require.NoError(b, err)
			for _, it := range cfg.Nav { // MkDocs --strict needs every nav page
				if _, err := os.Stat(filepath.Join(cfg.DocsPath(), it.Path)); err != nil {
					require.NoError(b, os.WriteFile(filepath.Join(cfg.DocsPath(), it.Path), []byte("# "+it.Title+"\n"), 0o644))
				}
			}
			return cfg
		}},
		{"gen200", func() *Config { c, _ := genBook(b, 200); return c }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := bc.cfg()
			var ours, theirs time.Duration
			for b.Loop() {
				t0 := time.Now()
				_, err := Build(Options{Config: cfg})
				ours += time.Since(t0)
				require.NoError(b, err)
				t0 = time.Now()
				cmd := exec.Command(bin, "build", "--site-dir", filepath.Join(b.TempDir(), "mk"))
				cmd.Dir = cfg.Dir
				out, err := cmd.CombinedOutput()
				theirs += time.Since(t0)
				require.NoError(b, err, "%s", out)
			}
			b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "site-ms/op")
			b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "mkdocs-ms/op")
			b.ReportMetric(float64(theirs)/float64(ours), "mkdocs/site")
		})
	}
}
