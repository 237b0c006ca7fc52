package chapter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVerifyUnorderedHint: a mismatch whose lines are the same as a
// multiset suggests the unordered flag; any other mismatch does not.
func TestVerifyUnorderedHint(t *testing.T) {
	src := "```go\nprintln()\n```\n\n```output\na\nb\n```\n\n```go\nprintln()\n```\n\n```{.output .stderr}\na\nb\n```\n"
	ch, err := Parse("x.md", []byte(src))
	require.NoError(t, err)
	for _, tc := range []struct {
		cell, stdout, stderr string
		hint                 string
	}{
		{ch.Cells[0].Name, "b\na\n", "", "write the block as ```output unordered"},
		{ch.Cells[1].Name, "", "b\na\n", "write the block as ```output stderr unordered"},
		{ch.Cells[0].Name, "b\nc\n", "", ""},
		{ch.Cells[0].Name, "a\nb\nb\n", "", ""},
	} {
		r := &Result{Stdout: tc.stdout, Stderr: tc.stderr}
		Verify(ch.Path, ch.Cell(tc.cell), r)
		require.Equal(t, Fail, r.Status)
		all := strings.Join(r.Problems, "\n")
		if tc.hint == "" {
			require.NotContains(t, all, "hint:", tc)
		} else {
			require.Contains(t, all, "hint: the same lines in another order", tc)
			require.Contains(t, all, tc.hint, tc)
		}
	}
}
