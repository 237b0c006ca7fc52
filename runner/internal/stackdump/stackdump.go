// Package stackdump reads the goroutine dumps of the Go runtime: what
// runtime.Stack returns, and what a program prints when it crashes or is
// sent SIGQUIT. Both sides of the runner read them, each to say where a
// timed-out cell was stuck: the interpreter's worker reads its own stacks,
// the go engine the dump of the program it stopped. Both word the answer
// with Hint.
package stackdump

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// A Goroutine is one goroutine of a dump.
type Goroutine struct {
	ID string
	// State is the wait reason without its duration or lock note:
	// "chan receive" for "chan receive, 2 minutes".
	State string
	// Frames are the calls on the stack, innermost first, without the
	// "created by" frame.
	Frames []Frame
}

// A Frame is one call of a stack.
type Frame struct {
	Func string // "sync.(*WaitGroup).Wait", without arguments
	Pos  string // "file:line", without the PC offset
}

// header matches a goroutine's first line. Crash and SIGQUIT dumps of
// recent Go versions add the g and m addresses:
// "goroutine 1 gp=0xc000002380 m=0 mp=0x5a6f20 [running]:".
var header = regexp.MustCompile(`(?m)^goroutine (\d+) (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[([^\]]+)\]:$`)

// Start returns the offset of the first goroutine in s, or -1 when s holds
// no dump.
func Start(s string) int {
	if loc := header.FindStringIndex(s); loc != nil {
		return loc[0]
	}
	return -1
}

// Parse reads the goroutines of a dump; text before the first goroutine
// is ignored.
func Parse(dump string) []Goroutine {
	var gs []Goroutine
	locs := header.FindAllStringSubmatchIndex(dump, -1)
	for i, loc := range locs {
		end := len(dump)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		state, _, _ := strings.Cut(dump[loc[4]:loc[5]], ",")
		g := Goroutine{ID: dump[loc[2]:loc[3]], State: state}
		g.Frames = frames(dump[loc[1]:end])
		gs = append(gs, g)
	}
	return gs
}

// frames reads the calls that follow a goroutine's header: a function
// line, then its position indented by a tab. The "created by" call and
// what follows it are left out.
func frames(s string) []Frame {
	var fs []Frame
	for _, l := range strings.Split(s, "\n") {
		switch {
		case l == "":
		case strings.HasPrefix(l, "created by "):
			return fs
		case strings.HasPrefix(l, "\t"):
			if n := len(fs); n > 0 && fs[n-1].Pos == "" {
				pos := strings.TrimPrefix(l, "\t")
				if i := strings.LastIndex(pos, " +0x"); i >= 0 {
					pos = pos[:i]
				}
				fs[n-1].Pos = pos
			}
		default:
			name := l
			if i := strings.LastIndexByte(l, '('); i > 0 {
				name = l[:i]
			}
			fs = append(fs, Frame{Func: name})
		}
	}
	return fs
}

// Hint words how many goroutines were found in each state or place, as a
// timeout's message ends: "; goroutines: 2 in chan receive, 1 in …", or
// "" when there were none.
func Hint(counts map[string]int) string {
	if len(counts) == 0 {
		return ""
	}
	var parts []string
	for s, n := range counts {
		parts = append(parts, fmt.Sprintf("%d in %s", n, s))
	}
	sort.Strings(parts)
	return "; goroutines: " + strings.Join(parts, ", ")
}
