package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The wants are what Python-Markdown 3.4's toc.slugify and unique return.
func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hello World", "hello-world"},
		{"Café & Crème: déjà vu!", "cafe-creme-deja-vu"},
		{"  spaces  around  ", "spaces-around"},
		{"a -- b", "a-b"},
		{"snake_case stays", "snake_case-stays"},
		{"Go 1.26: what's new?", "go-126-whats-new"},
		{"日本語", ""},
		{"ﬁle (NFKD ligature)", "file-nfkd-ligature"},
		{"x\ty", "x-y"},
	} {
		assert.Equal(t, tc.want, Slugify(tc.in), "Slugify(%q)", tc.in)
	}
}

func TestUniqueID(t *testing.T) {
	used := map[string]bool{}
	var got []string
	for _, id := range []string{"intro", "intro", "intro", "", "", "step_1", "step_1"} {
		got = append(got, uniqueID(id, used))
	}
	assert.Equal(t, []string{"intro", "intro_1", "intro_2", "_1", "_2", "step_1", "step_2"}, got)
}
