package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// CheckLinks checks a built site: every href and src of every HTML page
// that stays on the site must name a file of the site, and its #fragment an
// element id of that file. It also reports any reference to another origin
// that a page would load by itself (a script, a style sheet, an image, a
// font): the site must work offline. Links the reader follows to other
// sites (<a href="https://...">) are allowed. Problems read
// "page.html: message".
func CheckLinks(site fs.FS) error {
	ids, refs, err := collectRefs(site)
	if err != nil {
		return err
	}
	var problems []string
	for _, r := range refs {
		if msg := r.check(site, ids); msg != "" {
			problems = append(problems, fmt.Sprintf("%s: %s=%q%s", r.page, r.attr, r.val, msg))
		}
	}
	slices.Sort(problems)
	problems = slices.Compact(problems)
	if len(problems) > 0 {
		return fmt.Errorf("%d broken links:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return nil
}

// A ref is an href or src of a page.
type ref struct {
	page, attr, val string
	follow          bool // an <a> link rather than a resource
}

// collectRefs reads every HTML page of the site: the ids of its elements,
// by page, and its references.
func collectRefs(site fs.FS) (ids map[string]map[string]bool, refs []ref, err error) {
	ids = map[string]map[string]bool{}
	err = fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		set := map[string]bool{}
		ids[p] = set
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					set[a.Val] = true
				case "href", "src":
					refs = append(refs, ref{page: p, attr: n.Data + " " + a.Key, val: a.Val, follow: n.Data == "a"})
				}
			}
		}
		return nil
	})
	return ids, refs, err
}

// check returns what is wrong with the reference (": message", or "
// message"), or "".
func (r ref) check(site fs.FS, ids map[string]map[string]bool) string {
	u, err := url.Parse(r.val)
	if err != nil {
		return fmt.Sprintf(": %v", err)
	}
	if u.Scheme != "" || u.Host != "" {
		if !r.follow {
			return " loads from another origin"
		}
		return ""
	}
	if r.page == "404.html" && strings.HasPrefix(u.Path, "/") {
		return "" // served at any depth: its links start from the server's root
	}
	target := r.page
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			return ": absolute path (breaks on file://)"
		}
		target = path.Join(path.Dir(r.page), u.Path)
		if strings.HasPrefix(target, "../") || target == ".." {
			return ": leaves the site"
		}
		if _, err := fs.Stat(site, target); err != nil {
			return ": no file " + target
		}
	}
	if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
		return fmt.Sprintf(": no id %q in %s", u.Fragment, target)
	}
	return ""
}
