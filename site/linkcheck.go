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
	ids := map[string]map[string]bool{}
	type ref struct {
		page, attr, val string
		follow          bool // an <a> link rather than a resource
	}
	var refs []ref
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
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
	if err != nil {
		return err
	}
	var problems []string
	for _, r := range refs {
		u, err := url.Parse(r.val)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s=%q: %v", r.page, r.attr, r.val, err))
			continue
		}
		if u.Scheme != "" || u.Host != "" {
			if !r.follow {
				problems = append(problems, fmt.Sprintf("%s: %s=%q loads from another origin", r.page, r.attr, r.val))
			}
			continue
		}
		if r.page == "404.html" && strings.HasPrefix(u.Path, "/") {
			continue // served at any depth: its links start from the server's root
		}
		target := r.page
		if u.Path != "" {
			if strings.HasPrefix(u.Path, "/") {
				problems = append(problems, fmt.Sprintf("%s: %s=%q: absolute path (breaks on file://)", r.page, r.attr, r.val))
				continue
			}
			target = path.Join(path.Dir(r.page), u.Path)
			if strings.HasPrefix(target, "../") || target == ".." {
				problems = append(problems, fmt.Sprintf("%s: %s=%q: leaves the site", r.page, r.attr, r.val))
				continue
			}
			if _, err := fs.Stat(site, target); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s=%q: no file %s", r.page, r.attr, r.val, target))
				continue
			}
		}
		if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
			problems = append(problems, fmt.Sprintf("%s: %s=%q: no id %q in %s", r.page, r.attr, r.val, u.Fragment, target))
		}
	}
	slices.Sort(problems)
	problems = slices.Compact(problems)
	if len(problems) > 0 {
		return fmt.Errorf("%d broken links:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return nil
}
