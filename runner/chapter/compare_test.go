package chapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSame checks the rule -update refreshes blocks by: white space as the
// comparison treats it, but masked values must be the same too.
func TestSame(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		unordered bool
		match     bool // what Match says
		same      bool
	}{
		{"took 1.5s\n", "took 1.5s\n", false, true, true},
		{"took 1.5s  \r\n\n", "\ntook 1.5s", false, true, true},
		{"took 1.5s\n", "took 220ms\n", false, true, false},
		{"at 0xc000012345\n", "at 0xc000099999\n", false, true, false},
		{"a\nb 2ms\n", "b 2ms\na\n", true, true, true},
		{"a\nb 2ms\n", "b 3ms\na\n", true, true, false},
		{"a\nb\n", "b\na\n", false, false, false},
	} {
		assert.Equal(t, tc.match, Match(tc.want, tc.got, tc.unordered), "Match(%q, %q, %v)", tc.want, tc.got, tc.unordered)
		assert.Equal(t, tc.same, Same(tc.want, tc.got, tc.unordered), "Same(%q, %q, %v)", tc.want, tc.got, tc.unordered)
	}
}

// TestSamePath: a position in the chapter matches however the chapter was
// named to the run; another file's position does not.
func TestSamePath(t *testing.T) {
	a := "      chapters/concurrency.md:197\n(../chapters/concurrency.md:12)\n"
	b := "      ../chapters/concurrency.md:197\n(concurrency.md:12)\n"
	assert.Equal(t, samePath("../chapters/concurrency.md", a), samePath("chapters/concurrency.md", b))
	assert.NotEqual(t, samePath("chapters/concurrency.md", "x/other.md:3\n"), samePath("chapters/concurrency.md", "x/concurrency.md:4\n"))
	assert.Equal(t, "no position\n", samePath("c.md", "no position\n"))
}
