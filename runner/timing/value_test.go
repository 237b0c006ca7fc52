package timing

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportedValue(t *testing.T) {
	out := "waiting   4 in a row: 80.9ms\nwaiting 4 at once:\t20µs\nwaitingly 3s\nrequests: 160 in 1m2.5s\ncount 42\nratio: 1.5e3 x\nnothing here\n"
	tests := []struct {
		label string
		want  float64
		err   string
	}{
		{"waiting 4 in a row", 0.0809, ""},
		{"waiting  4 at once", 20e-6, ""}, // spaces collapse
		{"waiting", 0.0809, ""},           // the first line that starts with it
		{"waitingly", 3, ""},
		{"requests", 62.5, ""}, // a duration before a number
		{"count", 42, ""},
		{"ratio", 1500, ""},
		{"nothing", 0, `the line "nothing here" reports no number or duration`},
		{"missing", 0, `no line of output starts with "missing"`},
		{"wait", 0, `no line of output starts with "wait"`}, // not a prefix of a word
	}
	for _, tt := range tests {
		v, err := ReportedValue(out, tt.label)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.label)
			continue
		}
		require.NoError(t, err, tt.label)
		assert.InDelta(t, tt.want, v, 1e-12, tt.label)
	}
}

// FuzzReportedValue: any output and label give a value or an error, and a
// value comes from a line that holds the label.
func FuzzReportedValue(f *testing.F) {
	f.Add("waiting   4 in a row: 80.9ms\nat once: 20µs\n", "waiting 4 in a row")
	f.Add("requests: 160 in 1m2.5s\n", "requests")
	f.Add("n 1e400\n", "n")
	f.Fuzz(func(t *testing.T, out, label string) {
		v, err := ReportedValue(out, label)
		if err != nil {
			return
		}
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(label), " ")) {
			t.Fatalf("value %v for %q from output without it: %q", v, label, out)
		}
	})
}
