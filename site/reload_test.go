package site

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// reloads opens url in the browser, then n times makes an edit (edit(i)
// returns the text it added) and waits for the open page to show it,
// without touching the page: the live reload must bring it. It returns
// the time from each write to the text on the screen.
func reloads(t *testing.T, ctx context.Context, url string, n int, edit func(i int) string) []time.Duration {
	t.Helper()
	do(t, ctx, chromedp.Navigate(url), chromedp.WaitReady("body"))
	time.Sleep(300 * time.Millisecond) // the reload script has asked for the build number
	var ds []time.Duration
	for i := range n {
		t0 := time.Now()
		marker := edit(i)
		js := fmt.Sprintf(`document.body ? document.body.innerText.includes(%q) : false`, marker)
		for {
			ectx, cancel := context.WithTimeout(ctx, 2*time.Second)
			shown, err := chromedp.Run(ectx, chromedp.Evaluate[bool](js))
			cancel()
			if err == nil && shown {
				break
			}
			if time.Since(t0) > 90*time.Second {
				t.Fatalf("edit %d: %q not shown after %v", i, marker, time.Since(t0))
			}
			time.Sleep(5 * time.Millisecond)
		}
		ds = append(ds, time.Since(t0))
		time.Sleep(200 * time.Millisecond) // the reloaded page's script is waiting again
	}
	return ds
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// proseEdit returns an edit that appends a paragraph to the chapter at
// path, a new one each time.
func proseEdit(t *testing.T, path, tag string) func(int) string {
	orig, err := os.ReadFile(path)
	require.NoError(t, err)
	return func(i int) string {
		marker := fmt.Sprintf("Reload marker %s %d.", tag, i)
		require.NoError(t, os.WriteFile(path, append(append([]byte{}, orig...), "\n"+marker+"\n"...), 0o644))
		return marker
	}
}

// serveLog waits until the log of a serving command says where it serves
// and that it watches, and returns the address.
func serveLog(t *testing.T, log *syncBuffer, timeout time.Duration) string {
	t.Helper()
	re := regexp.MustCompile(`site: serving (http://\S+)/`)
	var url string
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(log.String())
		if m != nil {
			url = m[1]
		}
		return url != "" && log.Contains("site: watching")
	}, timeout, 10*time.Millisecond, "%s", log)
	return url
}

// TestLiveReload: with -serve, a prose edit saved into a chapter reaches
// the open page by itself, ten times in a row (the cells are not run here:
// -norun). It logs the median; the target, under a second, is checked
// where timing means something, by BOOK_MEASURE=1 (TestMeasureReload,
// which asserts it), not in a unit test that shares the CI machine with
// the rest of the suite.
func TestLiveReload(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	src, err := os.ReadFile("../chapters/cpu.md")
	require.NoError(t, err)
	page := filepath.Join(dir, "docs", "cpu.md")
	require.NoError(t, os.WriteFile(page, src, 0o644))
	cfg := filepath.Join(dir, "mkdocs.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("site_name: T\nsite_dir: out\nuse_directory_urls: false\nvalidation: {links: {not_found: ignore}}\n"), 0o644))

	var log syncBuffer
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Command(cctx, []string{"-config", cfg, "-serve", "-norun", "-cache", "", "-addr", "127.0.0.1:0"}, noRun(t), io.Discard, &log)
	}()
	defer func() { cancel(); <-done }()
	url := serveLog(t, &log, 30*time.Second)
	w := &watch{origin: url}
	require.NoError(t, chromedp.Listen(ctx, w.add))

	ds := reloads(t, ctx, url+"/cpu.html", 10, proseEdit(t, page, "prose"))
	t.Logf("prose edit to reload, -norun: median %v of %v", median(ds).Round(time.Millisecond), ds)
	t.Logf("rebuilds: %q", regexp.MustCompile(`rebuilt in \S+`).FindAllString(log.String(), -1))
	w.check(t)
}
