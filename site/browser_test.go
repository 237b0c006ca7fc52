package site

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const chromium = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile, or skips.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 60*time.Second)
}

// browserFor is browser, with the browser's whole life bounded by d.
func browserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("no " + chromium + " (apt-get install -y chromium): skipping browser tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	_, err := chromedp.Call(bctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(bctx, log.Enable, cdp.Empty{})
	require.NoError(t, err)
	return bctx
}

// watch records console errors, uncaught exceptions, failed loads and
// every request that leaves the origin.
type watch struct {
	mu       sync.Mutex
	origin   string
	problems []string
}

func (w *watch) add(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value))
			}
			w.problems = append(w.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		desc := d.Text
		if d.Exception != nil {
			desc += " " + d.Exception.Description
		}
		w.problems = append(w.problems, fmt.Sprintf("exception: %s at %s:%d", desc, d.URL, d.LineNumber+1))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			w.problems = append(w.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u, err := url.Parse(ev.Request.URL)
		if err == nil && u.Scheme != "data" && u.Scheme+"://"+u.Host != w.origin {
			w.problems = append(w.problems, "request outside the origin: "+ev.Request.URL)
		}
	}
}

func (w *watch) check(t *testing.T) {
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Empty(t, w.problems, "console errors or requests outside the origin")
}

// run runs one action with its own deadline, so that a stuck step fails
// where it is, not at the end of the whole test.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// do runs steps, each with its own deadline.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, s := range steps {
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := chromedp.Do(sctx, s)
		cancel()
		require.NoError(t, err, "step %d", i+1)
	}
}

// shot saves a PNG screenshot under the test's artifact directory (kept with
// go test -artifacts -outputdir DIR): the whole page, or on a phone the
// viewport, where the fixed nav drawer is.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	a := chromedp.FullScreenshot(100)
	if strings.HasPrefix(name, "phone") {
		a = chromedp.CaptureScreenshot()
	}
	buf := run(t, ctx, a)
	p := filepath.Join(t.ArtifactDir(), name+".png")
	require.NoError(t, os.WriteFile(p, buf, 0o644))
	t.Logf("screenshot: %s", p)
}

// TestBrowser opens the built fixture site in Chromium, served by httptest,
// and uses it as a reader would, on a desktop and on a phone.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	out := buildFixture(t, "cells", false)
	ts := httptest.NewServer(&Server{Dir: out})
	defer ts.Close()
	w := &watch{origin: ts.URL}
	require.NoError(t, chromedp.Listen(ctx, w.add))

	do(t, ctx, chromedp.Navigate(ts.URL+"/cells.html"), chromedp.WaitVisible(".cell"))

	t.Run("light and dark", func(t *testing.T) {
		run(t, ctx, chromedp.Evaluate[any](`localStorage.removeItem("theme"); document.documentElement.dataset.theme = "light"`))
		shot(t, ctx, "desktop-light")
		do(t, ctx, chromedp.Click(".theme-toggle"))
		assert.Equal(t, "dark", run(t, ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`)))
		bg := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		assert.Equal(t, "rgb(13, 17, 23)", bg, "dark background")
		shot(t, ctx, "desktop-dark")
		// Remembered across pages.
		do(t, ctx, chromedp.Navigate(ts.URL+"/index.html"), chromedp.WaitVisible("h1"))
		assert.Equal(t, "dark", run(t, ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`)))
		do(t, ctx, chromedp.Click(".theme-toggle"))
		assert.Equal(t, "light", run(t, ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`)))
	})

	t.Run("search", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(ts.URL+"/index.html"), chromedp.WaitVisible("#search"))
		do(t, ctx, chromedp.SendKeys("#search", "panic"), chromedp.WaitVisible("#search-results a"))
		text := run(t, ctx, chromedp.Text("#search-results"))
		assert.Contains(t, text, "A panic on purpose")
		href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#search-results a").getAttribute("href")`))
		assert.Equal(t, "cells.html#a-panic-on-purpose", href)
		shot(t, ctx, "desktop-search")
	})

	t.Run("copy takes code only", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(ts.URL+"/cells.html"), chromedp.WaitVisible(".cell"))
		run(t, ctx, chromedp.Evaluate[any](`window.copied = null;
			navigator.clipboard.writeText = function (s) { window.copied = s; return Promise.resolve(); }`))
		do(t, ctx, chromedp.Click("#cell-bad button.copy"))
		got := run(t, ctx, chromedp.Evaluate[string](`window.copied`))
		want := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#cell-bad code").textContent`))
		assert.Equal(t, want, got)
		code := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tfmt.Println(\"one\")\n\tfmt.Fprintln(os.Stderr, \"warning: & more\")\n}\n"
		assert.Equal(t, code, got, "the code, without output, diff or button text")
	})

	t.Run("phone", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(ts.URL+"/cells.html"), chromedp.WaitVisible(".nav-toggle")))
		navVisible := `(function(){var r = document.getElementById("nav").getBoundingClientRect(); return r.right > 0})()`
		assert.False(t, run(t, ctx, chromedp.Evaluate[bool](navVisible)), "the nav starts closed")
		scrollW := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		assert.LessOrEqual(t, scrollW, 390, "no horizontal scrolling of the page")
		shot(t, ctx, "phone")
		do(t, ctx, chromedp.Click(".nav-toggle"), chromedp.Sleep(400*time.Millisecond))
		assert.True(t, run(t, ctx, chromedp.Evaluate[bool](navVisible)), "the nav opens")
		assert.True(t, run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("nav").getBoundingClientRect().bottom >= innerHeight - 1`)),
			"the open nav reaches the bottom of the screen")
		assert.Equal(t, "true", run(t, ctx, chromedp.Evaluate[string](`document.querySelector(".nav-toggle").getAttribute("aria-expanded")`)))
		shot(t, ctx, "phone-nav")
		do(t, ctx, chromedp.MouseClickXY(370, 500), chromedp.Sleep(400*time.Millisecond))
		assert.False(t, run(t, ctx, chromedp.Evaluate[bool](navVisible)), "a tap outside closes the nav")
	})

	w.check(t)
}

// TestBrowserTabs switches content tabs with scripts disabled: the
// stylesheet alone shows the checked tab's block, as Material's does.
func TestBrowserTabs(t *testing.T) {
	ctx := browser(t)
	out := buildFixture(t, "containers", false)
	ts := httptest.NewServer(&Server{Dir: out})
	defer ts.Close()
	visible := func(sel string) bool {
		return run(t, ctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(sel)+`).getBoundingClientRect().height > 0`))
	}
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)
	do(t, ctx, chromedp.Navigate(ts.URL+"/index.html"), chromedp.WaitVisible("#cell-tabbed"))
	assert.True(t, visible("#cell-tabbed"), "the first tab shows")
	assert.False(t, visible(".tabbed-block:nth-child(2)"), "the second tab is hidden")
	do(t, ctx, chromedp.Click(`label[for="__tabbed_1_2"]`))
	assert.False(t, visible("#cell-tabbed"), "a click on the second label hides the first tab")
	assert.True(t, visible(".tabbed-block:nth-child(2)"), "and shows the second")
	shot(t, ctx, "tabs")
}
