package runner

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionBreaks: after a fragment fails unexpectedly, the later
// fragments are skipped, naming it, and reported without -v; programs
// still run; a fragment that fails as it says, or only by its output, does
// not break the session. Under both engines without -short.
func TestSessionBreaks(t *testing.T) {
	md := "```{.go name=\"expected\" fails=\"panic: boom\"}\npanic(\"boom\")\n```\n\n" +
		"```{.go name=\"mismatch\"}\nimport \"fmt\"\nfmt.Println(\"one\")\n```\n\n```output\ntwo\n```\n\n" +
		"```{.go name=\"setup\"}\nimport \"time\"\ntime.Slep(1)\nx := 1\n```\n\n" +
		"```{.go name=\"later\"}\nfmt.Println(\"unbounded peak:\", 0)\n```\n\n```output\nunbounded peak: 0\n```\n\n" +
		"```{.go name=\"prog\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"still runs\") }\n```\n\n```output\nstill runs\n```\n\n" +
		"```{.go name=\"even-later\"}\nfmt.Println(x)\n```\n"
	path := writeChapter(t, "broke.md", md)
	engines := []string{"yaegi", "go"}
	if testing.Short() {
		engines = engines[:1]
	}
	for _, engine := range engines {
		var out bytes.Buffer
		rep, err := RunChapter(context.Background(), path, &Options{Engine: engine, Progress: printProgress(&report.Printer{W: &out})})
		require.NoError(t, err)
		status := map[string]chapter.Status{}
		for _, r := range rep.Results {
			status[r.Cell] = r.Status
		}
		assert.Equal(t, map[string]chapter.Status{"expected": chapter.Pass, "mismatch": chapter.Fail, "setup": chapter.Fail,
			"later": chapter.Skip, "prog": chapter.Pass, "even-later": chapter.Skip}, status, "%s: %s", engine, out.String())
		want := "skip    chapters/broke.md:" + strconv.Itoa(lineOf(t, md, `name="later"`)) + " later (the session broke at chapters/broke.md:" +
			strconv.Itoa(lineOf(t, md, `name="setup"`)) + " (cell setup))\n"
		assert.Contains(t, out.String(), want, engine)
	}
}
