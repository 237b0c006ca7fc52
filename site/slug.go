package site

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	slugDrop  = regexp.MustCompile(`[^\w\s-]`)
	slugSpace = regexp.MustCompile(`[-\s]+`)
	idCount   = regexp.MustCompile(`^(.*)_([0-9]+)$`)
)

// Slugify returns the id Python-Markdown's toc extension gives a heading
// with this text, so that links written for MkDocs keep working: NFKD,
// non-ASCII dropped, characters other than word characters, spaces and
// hyphens dropped, lower case, runs of hyphens and spaces turned into one
// hyphen.
func Slugify(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	s = slugDrop.ReplaceAllString(b.String(), "")
	s = strings.ToLower(strings.TrimSpace(s))
	return slugSpace.ReplaceAllString(s, "-")
}

// uniqueID returns id, or id with a suffix _1, _2, … when used already holds
// it (Python-Markdown's toc unique), and records the result in used.
func uniqueID(id string, used map[string]bool) string {
	for used[id] || id == "" {
		if m := idCount.FindStringSubmatch(id); m != nil {
			n, _ := strconv.Atoi(m[2])
			id = m[1] + "_" + strconv.Itoa(n+1)
		} else {
			id += "_1"
		}
	}
	used[id] = true
	return id
}
