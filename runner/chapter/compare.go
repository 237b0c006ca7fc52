package chapter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Volatile values that the comparison masks, in both the golden and the
// captured text; durations are matched by durationRe.
var volatile = []struct {
	re   *regexp.Regexp
	mask string
}{
	{regexp.MustCompile(`\b0x[0-9a-fA-F]{6,}\b`), "0x…"},
	{regexp.MustCompile(`(?i)\b(goroutine) [0-9]+\b`), "${1} N"},
}

var durationRe = regexp.MustCompile(`(^|[^\w.])-?(?:[0-9]+h)?(?:[0-9]+m)?[0-9]+(?:\.[0-9]+)?(?:ns|µs|μs|us|ms|s|m|h)\b`)

// Normalize applies the comparison rules to one text: CRLF to LF, trailing
// white space removed from each line, leading and trailing blank lines
// dropped, volatile values masked.
func Normalize(s string) string {
	lines := trimmedLines(s)
	for i, l := range lines {
		l = volatile[0].re.ReplaceAllString(l, volatile[0].mask)
		l = volatile[1].re.ReplaceAllString(l, volatile[1].mask)
		lines[i] = durationRe.ReplaceAllString(l, "${1}<duration>")
	}
	return strings.Join(lines, "\n")
}

// trimmedLines splits a text into lines with the comparison's white-space
// rules applied, but nothing masked.
func trimmedLines(s string) []string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// Match reports whether a captured text matches a golden one.
func Match(want, got string, unordered bool) bool {
	return sameLines(Normalize(want), Normalize(got), unordered)
}

// Same reports whether a golden text shows exactly what a run printed,
// masked values included (a golden 1.2s is not the same as a captured
// 980ms, though it matches it): -update refreshes a block that matches but
// is not the same, so that the chapter always shows a real run.
func Same(want, got string, unordered bool) bool {
	return sameLines(strings.Join(trimmedLines(want), "\n"), strings.Join(trimmedLines(got), "\n"), unordered)
}

func sameLines(w, g string, unordered bool) bool {
	if !unordered {
		return w == g
	}
	wl, gl := strings.Split(w, "\n"), strings.Split(g, "\n")
	slices.Sort(wl)
	slices.Sort(gl)
	return slices.Equal(wl, gl)
}

// Diff returns a unified diff from want to got, line by line, with the
// comparison's normalization applied to neither side (what a reader sees).
func Diff(wantName, want, gotName, got string) string {
	a := splitLines(want)
	b := splitLines(got)
	ops := lcsOps(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", wantName, gotName)
	// Hunks with three lines of context.
	const ctx = 3
	type line struct {
		op   byte
		text string
		ai   int
		bi   int
	}
	var all []line
	ai, bi := 0, 0
	for _, op := range ops {
		switch op {
		case '=':
			all = append(all, line{' ', a[ai], ai, bi})
			ai++
			bi++
		case '-':
			all = append(all, line{'-', a[ai], ai, bi})
			ai++
		case '+':
			all = append(all, line{'+', b[bi], ai, bi})
			bi++
		}
	}
	for i := 0; i < len(all); {
		if all[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-ctx)
		end := i
		for j := i; j < len(all); j++ {
			if all[j].op != ' ' {
				end = j
			} else if j-end > 2*ctx {
				break
			}
		}
		end = min(len(all), end+ctx+1)
		h := all[start:end]
		var na, nb int
		for _, l := range h {
			if l.op != '+' {
				na++
			}
			if l.op != '-' {
				nb++
			}
		}
		sa, sb := h[0].ai+1, h[0].bi+1
		if na == 0 {
			sa-- // an empty range names the line before it
		}
		if nb == 0 {
			sb--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", sa, na, sb, nb)
		for _, l := range h {
			out.WriteByte(l.op)
			out.WriteString(l.text)
			out.WriteByte('\n')
		}
		i = end
	}
	return out.String()
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lcsOps returns the edit script turning a into b as a string of '=', '-'
// and '+'. Outputs are small; past a size the quadratic table is avoided and
// the texts are shown as replaced wholesale.
func lcsOps(a, b []string) string {
	if len(a)*len(b) > 4_000_000 {
		return strings.Repeat("-", len(a)) + strings.Repeat("+", len(b))
	}
	n, m := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var ops []byte
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, '=')
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			ops = append(ops, '-')
			i++
		default:
			ops = append(ops, '+')
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, '-')
	}
	for ; j < m; j++ {
		ops = append(ops, '+')
	}
	return string(ops)
}
