package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpdateNotes: -update names every block it wrote (new, or an empty
// one filled) and every one it refreshed, at its line in the new file; a
// hand-written empty unordered block is filled and stays unordered.
func TestUpdateNotes(t *testing.T) {
	md := "```{.go name=\"fresh\"}\nimport \"fmt\"\nfmt.Println(\"a\")\n```\n\n" +
		"```{.go name=\"stale\"}\nfmt.Println(\"b\")\n```\n\n```output\nold\n```\n\n" +
		"```{.go name=\"same\"}\nfmt.Println(\"c\")\n```\n\n```output\nc\n```\n\n" +
		"```{.go name=\"unord\"}\nfmt.Println(\"x\\ny\")\n```\n\n```{.output .unordered}\n```\n"
	path := writeChapter(t, "upd.md", md)
	rep, err := RunChapter(context.Background(), path, &Options{Update: true})
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	ch, err := chapter.Parse(path, src)
	require.NoError(t, err)
	line := func(cell string) string { return strconv.Itoa(ch.Cell(cell).Output("stdout").Line) }
	assert.Equal(t, []string{
		"wrote chapters/upd.md:" + line("fresh") + " output of cell fresh (new)",
		"refreshed chapters/upd.md:" + line("stale") + " output of cell stale",
		"wrote chapters/upd.md:" + line("unord") + " output of cell unord (filled)",
	}, rep.Notes, string(src))
	o := ch.Cell("unord").Output("stdout")
	assert.True(t, o.Unordered, "the block stays unordered")
	assert.Equal(t, "x\ny\n", o.Text)

	rep, err = RunChapter(context.Background(), path, &Options{Update: true})
	require.NoError(t, err)
	assert.Empty(t, rep.Notes, "nothing to write the second time")
}

// TestTimingNote: -update says whether it created or replaced the timing
// record of an engine.
func TestTimingNote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.md")
	res := []*timing.ExpectResult{{Line: 3, Cell: "p", Over: "s", Op: ">=", Samples: []float64{2}, Ratio: 2}}
	assert.False(t, recordedEngine(path, "yaegi"))
	assert.Empty(t, timingNote(path, "yaegi", false, res), "no record written")
	write := func() {
		tm, err := timing.ReadTimings(path)
		require.NoError(t, err)
		tm.Set(&timing.TimingRecord{Engine: "yaegi", Date: time.Now(), Expectations: res})
		require.NoError(t, timing.WriteTimings(path, tm))
	}
	write()
	want := filepath.Join(filepath.Dir(path), "c.timings.json") + " timing record for engine yaegi (1 expectations)"
	assert.Equal(t, "created "+want, timingNote(path, "yaegi", false, res))
	assert.True(t, recordedEngine(path, "yaegi"))
	assert.Equal(t, "replaced "+want, timingNote(path, "yaegi", true, res))
	assert.Empty(t, timingNote(path, "yaegi", true, []*timing.ExpectResult{{Line: 3}}), "nothing measured")
}
