package site

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/site/*.txtar")

// An archive is a txtar file: a comment, then files introduced by
// "-- name --" lines (the format of golang.org/x/tools/txtar, which this
// module does not depend on).
type archive struct {
	Comment string
	Files   []archiveFile
}

type archiveFile struct {
	Name string
	Data string
}

func parseArchive(data string) *archive {
	a := &archive{}
	cur := &a.Comment
	for _, line := range strings.SplitAfter(data, "\n") {
		t := strings.TrimRight(line, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			a.Files = append(a.Files, archiveFile{Name: strings.TrimSpace(t[3 : len(t)-3])})
			cur = &a.Files[len(a.Files)-1].Data
			continue
		}
		*cur += line
	}
	return a
}

func (a *archive) format() string {
	var b strings.Builder
	b.WriteString(a.Comment)
	for _, f := range a.Files {
		fmt.Fprintf(&b, "-- %s --\n%s", f.Name, f.Data)
		if f.Data != "" && !strings.HasSuffix(f.Data, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// buildArchive writes the archive's input files (everything but want/ and
// reports/) into a directory and loads the site they describe, with the
// reports of reports/NAME.json attached to page NAME.
func buildArchive(t *testing.T, a *archive) (*Site, string, error) {
	t.Helper()
	dir := t.TempDir()
	reports := map[string]*report.Report{}
	for _, f := range a.Files {
		switch {
		case strings.HasPrefix(f.Name, "want/"):
		case strings.HasPrefix(f.Name, "reports/"):
			var r report.Report
			require.NoError(t, json.Unmarshal([]byte(f.Data), &r), f.Name)
			reports[strings.TrimSuffix(strings.TrimPrefix(f.Name, "reports/"), ".json")] = &r
		default:
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(f.Data), 0o644))
		}
	}
	cfg, err := LoadConfig(filepath.Join(dir, "mkdocs.yml"))
	require.NoError(t, err)
	s, err := Load(Options{Config: cfg, Reports: reports})
	require.NotNil(t, s)
	return s, dir, err
}

// TestGolden builds each testdata/site/*.txtar and compares the article
// HTML of every page with want/PAGE.html, the pages' titles and order with
// want/pages, and the build errors with want/errors. With -update the want/
// sections are rewritten.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/site/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			a := parseArchive(string(data))
			s, dir, buildErr := buildArchive(t, a)

			got := map[string]string{}
			var names []string
			var pages strings.Builder
			for _, p := range s.order {
				names = append(names, "want/"+p.URL)
				got["want/"+p.URL] = p.content
				fmt.Fprintf(&pages, "%s %s %q nav=%v\n", p.Src, p.URL, p.Title, p.InNav)
			}
			names = append(names, "want/pages")
			got["want/pages"] = pages.String()
			if buildErr != nil {
				names = append(names, "want/errors")
				got["want/errors"] = strings.ReplaceAll(buildErr.Error(), dir+string(filepath.Separator), "") + "\n"
			}

			if *update {
				a.Files = slices.DeleteFunc(a.Files, func(f archiveFile) bool { return strings.HasPrefix(f.Name, "want/") })
				for _, n := range names {
					a.Files = append(a.Files, archiveFile{Name: n, Data: got[n]})
				}
				require.NoError(t, os.WriteFile(file, []byte(a.format()), 0o644))
				return
			}
			want := map[string]string{}
			for _, f := range a.Files {
				if strings.HasPrefix(f.Name, "want/") {
					want[f.Name] = f.Data
				}
			}
			for _, n := range names {
				w, ok := want[n]
				if !assert.True(t, ok, "%s: no section %s (run go test ./site -run TestGolden -update)", file, n) {
					continue
				}
				assert.Equal(t, w, got[n], "%s: section %s: got (+) differs from want (-); go test ./site -run TestGolden -update rewrites it", file, n)
				delete(want, n)
			}
			for n := range want {
				assert.Fail(t, "stale section", "%s: section %s matches no page or no error", file, n)
			}
		})
	}
}

func TestArchiveRoundTrip(t *testing.T) {
	in := "comment\n-- a --\nx\n-- b/c --\n-- d --\ny\nz\n"
	a := parseArchive(in)
	require.Len(t, a.Files, 3)
	assert.Equal(t, "comment\n", a.Comment)
	assert.Equal(t, archiveFile{"b/c", ""}, a.Files[1])
	assert.Equal(t, "y\nz\n", a.Files[2].Data)
	assert.Equal(t, in, a.format())
}
