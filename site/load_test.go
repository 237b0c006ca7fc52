package site

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServerUnderLoad serves the built book to concurrent clients on
// loopback: every request for a page, an asset or a missing file gets its
// right answer, none fails. It reports the request rate and the 99th
// percentile latency (README quotes a run of wrk against -serve).
func TestServerUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	cfg, err := LoadConfig("../mkdocs.yml")
	require.NoError(t, err)
	cfg.SiteDir = t.TempDir()
	_, err = Build(Options{Config: cfg})
	require.NoError(t, err)
	var paths []string
	require.NoError(t, filepath.WalkDir(cfg.SitePath(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(cfg.SitePath(), p)
			paths = append(paths, "/"+filepath.ToSlash(rel))
		}
		return err
	}))
	paths = append(paths, "/missing.html", "/../go.mod")

	ts := httptest.NewServer(&Server{Dir: cfg.SitePath()})
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	const clients, each = 64, 150
	lat := make([][]time.Duration, clients)
	errs := make(chan error, clients)
	t0 := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range each {
				p := paths[(c*each+i)%len(paths)]
				start := time.Now()
				resp, err := client.Get(ts.URL + p)
				if err != nil {
					errs <- err
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[c] = append(lat[c], time.Since(start))
				want := http.StatusOK
				if p == "/missing.html" || p == "/../go.mod" {
					want = http.StatusNotFound
				}
				if err != nil || resp.StatusCode != want || n == 0 {
					errs <- fmt.Errorf("%s: status %d, %d bytes, %v", p, resp.StatusCode, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	require.Len(t, all, clients*each)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	t.Logf("%d requests from %d clients in %v: %.0f requests/s, p50 %v, p99 %v",
		len(all), clients, elapsed.Round(time.Millisecond), float64(len(all))/elapsed.Seconds(),
		all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond))
}
