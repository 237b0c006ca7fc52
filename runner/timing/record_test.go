package timing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ch := filepath.Join(dir, "cpu.md")
	assert.Equal(t, filepath.Join(dir, "cpu.timings.json"), TimingsPath(ch))
	empty, err := ReadTimings(ch)
	require.NoError(t, err)
	assert.Nil(t, empty.Record("yaegi"))

	rec := &TimingRecord{Engine: "yaegi", Count: 3, Machine: Machine{CPUs: 2, Engine: "yaegi"},
		Expectations: []*ExpectResult{{Line: 4, Text: "speedup a over b >= 1", Ratio: 1.9, Status: ExpectPass}}}
	empty.Set(&TimingRecord{Engine: "go"})
	empty.Set(rec)
	empty.Set(rec)
	require.NoError(t, WriteTimings(ch, empty))
	got, err := ReadTimings(ch)
	require.NoError(t, err)
	require.Len(t, got.Records, 2, "one record per engine")
	y := got.Record("yaegi")
	require.NotNil(t, y)
	assert.Equal(t, 1.9, y.Find("speedup a over b >= 1").Ratio)
	assert.Nil(t, y.Find("speedup b over a >= 1"))
	assert.True(t, strings.HasPrefix(y.Machine.String(), "2 cpus"))
	raw, err := os.ReadFile(TimingsPath(ch))
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"text": "speedup a over b >= 1"`, "written for people: no \\u003e")
}
