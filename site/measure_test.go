package site

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMeasureReload measures, on a copy of the book, what issue 15 asks
// README.md to quote: a full build of cmd/site from an empty cache (every
// cell and timing expectation runs), a build from the warm cache, and
// with -serve, a prose edit of cpu.md to the open page showing it (median
// of 10) and an edit of one cell of cpu.md (a fragment: it and the
// fragment after it run again) to the page showing it (median of 3);
// then the same prose edits under mkdocs serve, where mkdocs is
// installed. It takes minutes, so it runs only when BOOK_MEASURE=1.
func TestMeasureReload(t *testing.T) {
	if os.Getenv("BOOK_MEASURE") == "" {
		t.Skip("set BOOK_MEASURE=1 to measure builds and live reload on the book (minutes: every cell and timing expectation runs)")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("no " + chromium + ": skipping the reload measurements")
	}
	dir, _ := copyBook(t)
	bin := filepath.Join(t.TempDir(), "site")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/site").CombinedOutput()
	require.NoError(t, err, "%s", out)
	site := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"-config", "mkdocs.yml", "-cache", ".cache"}, args...)...)
		cmd.Dir = dir
		return cmd
	}
	build := func(what string) time.Duration {
		t0 := time.Now()
		out, err := site().CombinedOutput()
		d := time.Since(t0)
		if err != nil && !strings.Contains(string(out), "check failed") {
			t.Fatalf("%s: %v\n%s", what, err, out)
		}
		computed := regexp.MustCompile(`, (\d+) computed\)`).FindAllStringSubmatch(string(out), -1)
		n := 0
		for _, m := range computed {
			var k int
			fmt.Sscan(m[1], &k)
			n += k
		}
		t.Logf("%s: %v (%d results and verdicts computed; failed checks: %v)", what, d.Round(100*time.Millisecond), n, err != nil)
		if _, failing, ok := strings.Cut(string(out), "failing chapters"); ok {
			t.Logf("failing chapters%s", failing)
		}
		return d
	}
	t.Run("builds", func(t *testing.T) {
		build("full build, empty cache")
		build("build, warm cache")
	})

	cpu := filepath.Join(dir, "chapters", "cpu.md")
	orig, err := os.ReadFile(cpu)
	require.NoError(t, err)
	const line = "maxInt := big.NewInt(math.MaxInt64)"
	require.Contains(t, string(orig), line)

	t.Run("site -serve", func(t *testing.T) {
		ctx := browserFor(t, 10*time.Minute)
		var log syncBuffer
		cmd := site("-serve", "-addr", freeAddr(t))
		cmd.Stderr = &log
		require.NoError(t, cmd.Start())
		defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
		url := serveLog(t, &log, 15*time.Minute) // without the builds above, it runs every cell first
		ds := reloads(t, ctx, url+"/cpu.html", 10, proseEdit(t, cpu, "site"))
		t.Logf("site -serve, prose edit of cpu.md to reload: median %v of %v", median(ds).Round(time.Millisecond), ds)
		if median(ds) >= time.Second {
			t.Errorf("a prose edit must reach the page in under a second (median of 10): %v", median(ds))
		}
		cs := reloads(t, ctx, url+"/cpu.html", 3, func(i int) string {
			marker := fmt.Sprintf("// cell edit %d", i)
			require.NoError(t, os.WriteFile(cpu, []byte(strings.Replace(string(orig), line, line+" "+marker, 1)), 0o644))
			return marker
		})
		t.Logf("site -serve, one-cell edit of cpu.md to reload: median %v of %v", median(cs).Round(time.Millisecond), cs)
		t.Logf("rebuilds: %q", regexp.MustCompile(`rebuilt in \S+`).FindAllString(log.String(), -1))
		require.NoError(t, os.WriteFile(cpu, orig, 0o644))
	})

	t.Run("mkdocs serve", func(t *testing.T) {
		mk := mkdocsBinary(t)
		ctx := browserFor(t, 10*time.Minute)
		// Offline, as this site is: Material's Google Fonts stylesheet
		// would block the page's rendering until its request times out.
		yml := filepath.Join(dir, "mkdocs.yml")
		cfg, err := os.ReadFile(yml)
		require.NoError(t, err)
		require.Contains(t, string(cfg), "\n  name: material\n")
		require.NoError(t, os.WriteFile(yml, []byte(strings.Replace(string(cfg), "\n  name: material\n", "\n  name: material\n  font: false\n", 1)), 0o644))
		defer os.WriteFile(yml, cfg, 0o644)
		addr := freeAddr(t)
		cmd := exec.Command(mk, "serve", "--dev-addr", addr)
		cmd.Dir = dir
		var log syncBuffer
		cmd.Stdout, cmd.Stderr = &log, &log
		require.NoError(t, cmd.Start())
		defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
		// mkdocs serve serves under site_url's path (/book/): "/" redirects there.
		var url string
		require.Eventually(t, func() bool {
			resp, err := http.Get("http://" + addr + "/")
			if err != nil {
				return false
			}
			resp.Body.Close()
			url = strings.TrimSuffix(resp.Request.URL.String(), "/")
			return resp.StatusCode == 200
		}, 5*time.Minute, 100*time.Millisecond, "mkdocs serve did not start:\n%s", &log)
		ds := reloads(t, ctx, url+"/cpu.html", 10, proseEdit(t, cpu, "mkdocs"))
		t.Logf("mkdocs serve, prose edit of cpu.md to reload: median %v of %v", median(ds).Round(time.Millisecond), ds)
		require.NoError(t, os.WriteFile(cpu, orig, 0o644))
	})
}

// freeAddr returns a local address no one listens on, for a server started
// as another process.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}
