package chapter

import (
	"fmt"
	"strings"
	"time"
)

// An Attr is one attribute of a cell's info string; a bare flag has an
// empty Value and Flag set.
type Attr struct {
	Key, Value string
	Flag       bool
}

// ParseAttrs splits the attributes of an info string (what follows the
// language) in the MkDocs-Material form: key="value", key='value', key=value
// and bare flags, separated by white space.
func ParseAttrs(s string) ([]Attr, error) {
	var attrs []Attr
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return attrs, nil
		}
		i := 0
		for i < len(s) && isKeyByte(s[i]) {
			i++
		}
		if i == 0 {
			return nil, fmt.Errorf("attribute expected at %q", s)
		}
		key := s[:i]
		s = s[i:]
		if s == "" || s[0] == ' ' || s[0] == '\t' {
			attrs = append(attrs, Attr{Key: key, Flag: true})
			continue
		}
		if s[0] != '=' {
			return nil, fmt.Errorf("attribute %s: unexpected %q", key, s[:1])
		}
		s = s[1:]
		var val string
		switch {
		case s == "":
			return nil, fmt.Errorf("attribute %s: missing value", key)
		case s[0] == '"' || s[0] == '\'':
			j := strings.IndexByte(s[1:], s[0])
			if j < 0 {
				return nil, fmt.Errorf("attribute %s: unterminated %c", key, s[0])
			}
			val, s = s[1:1+j], s[2+j:]
			if s != "" && s[0] != ' ' && s[0] != '\t' {
				return nil, fmt.Errorf("attribute %s: space expected after the closing quote", key)
			}
		default:
			j := strings.IndexAny(s, " \t")
			if j < 0 {
				j = len(s)
			}
			val, s = s[:j], s[j:]
			if strings.ContainsAny(val, `"'=`) {
				return nil, fmt.Errorf("attribute %s: malformed value %q", key, val)
			}
		}
		attrs = append(attrs, Attr{Key: key, Value: val})
	}
}

func isKeyByte(b byte) bool {
	return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// cellAttrs are the attributes a cell accepts, and whether each is a flag.
var cellAttrs = map[string]bool{
	"name": false, "title": false, "timeout": false, "fails": false, "engine": false,
	"linenums": false, "hl_lines": false,
	"norun": true, "race": true, "unchecked": true,
}

func (c *Cell) setAttrs(s string) error {
	attrs, err := ParseAttrs(s)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range attrs {
		flag, known := cellAttrs[a.Key]
		switch {
		case !known:
			return fmt.Errorf("unknown cell attribute %q", a.Key)
		case seen[a.Key]:
			return fmt.Errorf("attribute %s given twice", a.Key)
		case flag && !a.Flag:
			return fmt.Errorf("attribute %s is a flag and takes no value", a.Key)
		case !flag && a.Flag:
			return fmt.Errorf("attribute %s needs a value (%s=\"...\")", a.Key, a.Key)
		}
		seen[a.Key] = true
		switch a.Key {
		case "name":
			if a.Value == "" || strings.ContainsAny(a.Value, " \t/") {
				return fmt.Errorf("cell name %q: want a word without spaces or slashes", a.Value)
			}
			c.Name = a.Value
		case "title":
			c.Title = a.Value
		case "timeout":
			d, err := time.ParseDuration(a.Value)
			if err != nil || d <= 0 {
				return fmt.Errorf("timeout %q: want a positive duration such as 30s", a.Value)
			}
			c.Timeout = d
		case "fails":
			kind, msg, _ := strings.Cut(a.Value, ":")
			kind = strings.TrimSpace(kind)
			if !FailKind(kind).Expectable() {
				return fmt.Errorf("fails=%q: kind must be one of %s", a.Value, strings.Join(FailureKinds, ", "))
			}
			c.Fails = &Failure{Kind: FailKind(kind), Msg: strings.TrimSpace(msg)}
		case "engine":
			if a.Value != "go" {
				return fmt.Errorf("engine=%q: the only engine a cell can demand is \"go\"", a.Value)
			}
			c.Engine = a.Value
		case "norun":
			c.NoRun = true
		case "unchecked":
			c.Unchecked = true
		case "race":
			c.Race = true
			c.Engine = "go"
		}
	}
	if c.Fails != nil && c.Fails.Kind == FailRace && !c.Race {
		return fmt.Errorf(`fails="race" needs the race flag`)
	}
	if c.NoRun && c.Unchecked {
		return fmt.Errorf("norun and unchecked together: a norun cell is not run at all")
	}
	if c.NoRun && (c.Fails != nil || c.Race || c.Timeout != 0) {
		return fmt.Errorf("norun cell with attributes that only apply to running")
	}
	c.Attrs = attrs
	return nil
}
