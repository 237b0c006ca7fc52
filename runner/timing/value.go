package timing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// ReportedValue finds the value a cell reports under label in its output:
// the first line that starts with the label (spaces and tabs inside either
// count as one space) not followed by a letter or digit, and on it, after
// the label, the first Go duration ("81.2ms", "1m3s"), in seconds, or
// else the first number.
//
//	waiting in a row: 80.9ms
//	waiting   at once:  20.4ms
func ReportedValue(stdout, label string) (float64, error) {
	v, _, err := reportedValue(stdout, label)
	return v, err
}

// reportedValue is ReportedValue, and says whether the value is a
// duration.
func reportedValue(stdout, label string) (v float64, duration bool, err error) {
	label = strings.Join(strings.Fields(label), " ")
	for _, line := range strings.Split(stdout, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		rest, ok := strings.CutPrefix(line, label)
		if !ok || rest != "" && isWordByte(rest[0]) {
			continue
		}
		if loc := chapter.DurationRe.FindStringSubmatchIndex(rest); loc != nil {
			d, err := time.ParseDuration(strings.NewReplacer("µs", "us", "μs", "us").Replace(rest[loc[2*1+1]:loc[1]]))
			if err == nil {
				return d.Seconds(), true, nil
			}
		}
		if m := numberRe.FindString(rest); m != "" {
			v, err := strconv.ParseFloat(m, 64)
			return v, false, err
		}
		return 0, false, fmt.Errorf("the line %q reports no number or duration", line)
	}
	return 0, false, fmt.Errorf("no line of output starts with %q", label)
}

var numberRe = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}
