package chapter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// An Attr is one attribute of a cell's info string. A flag has an empty
// Value and Flag set: written .flag in the attribute-list form (Class set),
// a bare word in the bare form.
type Attr struct {
	Key, Value string
	Flag       bool
	Class      bool // written .Key in an attribute list
}

// An Info is a fenced block's info string, parsed.
type Info struct {
	Lang  string // the language: the first word, or the first class of an attribute list
	Attrs []Attr // the attributes after the language, in the order written
	// Braced: the attribute-list form {.go key="value" .flag}, which
	// pymdownx.superfences (with attr_list) reads with any attribute;
	// otherwise the bare form, go key="value", which it reads only
	// with title, linenums and hl_lines.
	Braced bool
}

// ParseInfo parses a fenced block's info string in either form MkDocs
// reads: the attribute list ```{.go title="a.go" name="a" .unchecked},
// whose first class is the language, or the bare form ```go title="a.go".
func ParseInfo(info string) (Info, error) {
	info = strings.TrimSpace(info)
	if !strings.HasPrefix(info, "{") {
		lang, rest := SplitInfo(info)
		attrs, err := ParseAttrs(rest)
		// superfences reads ```.go as ```go.
		return Info{Lang: strings.TrimPrefix(lang, "."), Attrs: attrs}, err
	}
	in := Info{Braced: true}
	end := strings.IndexByte(info, '}')
	inner := strings.TrimPrefix(info, "{")
	if end >= 0 {
		inner = info[1:end]
	}
	for _, tok := range splitAttrTokens(inner) {
		if strings.HasPrefix(tok, ".") {
			in.Lang = tok[1:] // the first class is the language
			break
		}
	}
	switch {
	case end < 0:
		return in, fmt.Errorf("attribute list: no closing }")
	case end != len(info)-1:
		return in, fmt.Errorf("attribute list: text after the closing } (a value may not hold a })")
	}
	attrs, err := parseAttrList(inner)
	if err != nil {
		return in, err
	}
	for i, a := range attrs {
		if a.Class {
			attrs = slices.Delete(attrs, i, i+1) // the language
			break
		}
	}
	in.Attrs = attrs
	return in, nil
}

// parseAttrList splits an attribute list (between the braces): .class,
// #id, key="value", key='value', key=value, separated by white space. A
// bare word is kept as a flag without Class: MkDocs reads it as
// word="word", so a cell refuses it.
func parseAttrList(s string) ([]Attr, error) {
	var attrs []Attr
	for _, tok := range splitAttrTokens(s) {
		switch {
		case strings.HasPrefix(tok, ".") || strings.HasPrefix(tok, "#"):
			key := tok[1:]
			if key == "" || !validKey(key) {
				return nil, fmt.Errorf("attribute list: malformed %q", tok)
			}
			if tok[0] == '#' {
				attrs = append(attrs, Attr{Key: "#", Value: key})
				continue
			}
			attrs = append(attrs, Attr{Key: key, Flag: true, Class: true})
		default:
			a, err := ParseAttrs(tok)
			if err != nil {
				return nil, err
			}
			attrs = append(attrs, a...)
		}
	}
	return attrs, nil
}

// splitAttrTokens splits s at white space outside quotes.
func splitAttrTokens(s string) []string {
	var toks []string
	var quote byte
	start := -1
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == ' ' || b == '\t':
			if start >= 0 {
				toks = append(toks, s[start:i])
				start = -1
			}
			continue
		case (b == '"' || b == '\'') && i > 0 && s[i-1] == '=':
			quote = b
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, s[start:])
	}
	return toks
}

func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if !isKeyByte(k[i]) {
			return false
		}
	}
	return k != ""
}

// ParseAttrs splits the attributes of a bare info string (what follows the
// language): key="value", key='value', key=value and bare flags, separated
// by white space.
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

// FormatInfo writes an info string in the attribute-list form: the
// language as the first class, then the attributes in order, flags as
// classes, values in double quotes (single ones when the value holds a
// double quote). It fails for a value MkDocs cannot carry (both quotes, or
// a }).
func FormatInfo(lang string, attrs []Attr) (string, error) {
	parts := []string{"." + lang}
	for _, a := range attrs {
		switch {
		case a.Key == "#":
			parts = append(parts, "#"+a.Value)
		case a.Flag:
			parts = append(parts, "."+a.Key)
		case strings.Contains(a.Value, "}") || strings.Contains(a.Value, `"`) && strings.Contains(a.Value, "'"):
			return "", fmt.Errorf("attribute %s: the value %q cannot stand in an attribute list", a.Key, a.Value)
		case strings.Contains(a.Value, `"`):
			parts = append(parts, a.Key+"='"+a.Value+"'")
		default:
			parts = append(parts, a.Key+`="`+a.Value+`"`)
		}
	}
	return "{" + strings.Join(parts, " ") + "}", nil
}

// cellAttrs are the attributes a cell accepts, and whether each is a flag,
// in the order error messages list them.
var cellAttrs = []struct {
	key  string
	flag bool
}{
	{"name", false}, {"title", false}, {"timeout", false}, {"fails", false}, {"engine", false},
	{"with", false}, {"linenums", false}, {"hl_lines", false},
	{"norun", true}, {"race", true}, {"unchecked", true}, {"file", true},
}

// superfences' checks of the display options (pymdownx/superfences.py:
// RE_HL_LINES, RE_LINENUMS, RE_OPTIONS): a value that fails them is not
// applied, and in the bare form MkDocs shows the fence as text.
var (
	reHLLines  = regexp.MustCompile(`^\d+(?:-\d+)?(?:[ \t]+\d+(?:-\d+)?)*$`)
	reLinenums = regexp.MustCompile(`^\d+(?:[ \t]+\d+)?(?:[ \t]+\d+)?$`)
	reBare     = regexp.MustCompile(`^(?:[a-zA-Z][a-zA-Z0-9_]*(?:="[^"]*"|='[^']*')?[ \t]*)*$`)
)

// superfencesBare is what the bare form may carry: the display options.
var superfencesBare = map[string]bool{"title": true, "linenums": true, "hl_lines": true}

// attrSpelling is how an attribute is written in an attribute list.
func attrSpelling(key string, flag bool) string {
	if flag {
		return "." + key
	}
	return key
}

// unknownAttr says that key is no cell attribute, suggests the nearest
// one, and lists them all.
func unknownAttr(shown, key string) error {
	var valid, flags []string
	best, bestD := "", 3 // suggest within an edit distance of 2
	for _, a := range cellAttrs {
		valid = append(valid, attrSpelling(a.key, a.flag))
		if a.flag {
			flags = append(flags, attrSpelling(a.key, a.flag))
		}
		if d := editDistance(key, a.key); d < bestD {
			best, bestD = attrSpelling(a.key, a.flag), d
		}
	}
	msg := fmt.Sprintf("unknown cell attribute %s", shown)
	if best != "" {
		msg += fmt.Sprintf(": did you mean %s?", best)
	}
	return fmt.Errorf("%s (valid: %s; flags %s)", msg, strings.Join(valid[:len(valid)-len(flags)], ", "), strings.Join(flags, ", "))
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// checkAttr checks one attribute's spelling against the form it is
// written in.
func checkAttr(a Attr, braced bool) error {
	i := slices.IndexFunc(cellAttrs, func(c struct {
		key  string
		flag bool
	}) bool {
		return c.key == a.Key
	})
	switch {
	case a.Key == "#":
		return unknownAttr("#"+a.Value, a.Value)
	case i < 0 && a.Class:
		return unknownAttr("."+a.Key, a.Key)
	case i < 0:
		return unknownAttr(fmt.Sprintf("%q", a.Key), a.Key)
	}
	flag := cellAttrs[i].flag
	switch {
	case flag && !a.Flag && braced:
		return fmt.Errorf("attribute %s is a flag: write .%s", a.Key, a.Key)
	case flag && !a.Flag:
		return fmt.Errorf("attribute %s is a flag and takes no value", a.Key)
	case flag && braced && !a.Class:
		return fmt.Errorf("flag %s in an attribute list is written .%s (MkDocs reads a bare word as %s=%q)", a.Key, a.Key, a.Key, a.Key)
	case !flag && a.Flag && braced:
		return fmt.Errorf("attribute %s needs a value: write %s=\"...\"", a.Key, a.Key)
	case !flag && a.Flag:
		return fmt.Errorf("attribute %s needs a value (%s=\"...\")", a.Key, a.Key)
	}
	return nil
}

// checkBare refuses a bare info string that MkDocs would not render as
// code: anything but quoted title, linenums and hl_lines. The error gives
// the attribute list to write instead.
func checkBare(info string, in Info) error {
	_, rest := SplitInfo(info)
	var odd []string
	for _, a := range in.Attrs {
		if !superfencesBare[a.Key] || a.Flag {
			odd = append(odd, a.Key)
		}
	}
	if len(odd) == 0 && reBare.MatchString(rest) {
		return nil
	}
	what := "unquoted values"
	if len(odd) > 0 {
		what = strings.Join(odd, ", ")
	}
	msg := fmt.Sprintf("info string in the bare form with %s: MkDocs (pymdownx.superfences) shows such a fence as text, not code", what)
	if repl, err := FormatInfo(in.Lang, in.Attrs); err == nil {
		return fmt.Errorf("%s; write it as an attribute list: ```%s (go run ./cmd/fixfences FILE... converts every fence)", msg, repl)
	}
	return fmt.Errorf("%s; write it as an attribute list, ```{.go key=\"value\" .flag}", msg)
}

// setAttrs applies a cell's attributes. It applies every one it can and
// returns the first problem, so that a cell with a bad attribute keeps its
// name (its output blocks and expectations still find it).
func (c *Cell) setAttrs(info string, in Info) error {
	var first error
	note := func(err error) {
		if first == nil {
			first = err
		}
	}
	seen := map[string]bool{}
	for _, a := range in.Attrs {
		if err := checkAttr(a, in.Braced); err != nil {
			note(err)
			continue
		}
		if seen[a.Key] {
			note(fmt.Errorf("attribute %s given twice", a.Key))
			continue
		}
		seen[a.Key] = true
		if err := c.setAttr(a); err != nil {
			note(err)
		}
	}
	c.Attrs = in.Attrs
	if err := c.checkCombination(); err != nil {
		note(err)
	}
	if !in.Braced && first == nil {
		note(checkBare(info, in))
	}
	return first
}

// setAttr applies one known attribute, spelled right.
func (c *Cell) setAttr(a Attr) error {
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
	case "linenums":
		if !reLinenums.MatchString(a.Value) {
			return fmt.Errorf("linenums=%q: want the first line's number, such as \"1\"", a.Value)
		}
	case "hl_lines":
		if !reHLLines.MatchString(a.Value) {
			return fmt.Errorf("hl_lines=%q: want line numbers and ranges, such as \"2 4-6\"", a.Value)
		}
	case "with":
		names := strings.Fields(a.Value)
		if len(names) == 0 || strings.Contains(a.Value, ",") {
			return fmt.Errorf("with=%q: want the names of file cells separated by spaces, such as with=\"io-site io-report\"", a.Value)
		}
		c.With = names
	case "file":
		c.File = true
	case "norun":
		c.NoRun = true
	case "unchecked":
		c.Unchecked = true
	case "race":
		c.Race = true
		c.Engine = "go"
	}
	return nil
}

// checkCombination refuses attributes that contradict each other.
func (c *Cell) checkCombination() error {
	if c.Fails != nil && c.Fails.Kind == FailRace && !c.Race {
		return fmt.Errorf(`fails="race" needs the race flag`)
	}
	if c.NoRun && c.Unchecked {
		return fmt.Errorf("norun and unchecked together: a norun cell is not run at all")
	}
	if c.NoRun && (c.Fails != nil || c.Race || c.Timeout != 0) {
		return fmt.Errorf("norun cell with attributes that only apply to running")
	}
	return nil
}

// reFenceLine is the opening line of a Go or output fence in the bare form, after
// what may precede it on its line (indentation, > of quotes, a list
// marker).
var reFenceLine = regexp.MustCompile("^([ \t>]*(?:(?:[-*+]|[0-9]+[.)])[ \t]+)?(?:`{3,}|~{3,})[ \t]*)(\\.?(?:go|output)[ \t]+[^`]*?)[ \t]*(\r?)$")

// FixFenceLine rewrites the opening line of a fence whose bare info string
// MkDocs would show as text into the attribute-list form, keeping what
// precedes the fence: a Go cell with an attribute other than title,
// linenums and hl_lines, an output block with words (output stderr
// becomes {.output .stderr}). Any other line is returned unchanged, with ok
// false.
func FixFenceLine(line string) (fixed string, ok bool) {
	m := reFenceLine.FindStringSubmatch(line)
	if m == nil {
		return line, false
	}
	in, err := ParseInfo(m[2])
	switch {
	case err != nil || in.Braced:
		return line, false
	case in.Lang == "go" && checkBare(m[2], in) == nil:
		return line, false
	case in.Lang == "output" && (len(in.Attrs) == 0 || slices.ContainsFunc(in.Attrs, func(a Attr) bool { return !a.Flag })):
		return line, false
	}
	repl, err := FormatInfo(in.Lang, in.Attrs)
	if err != nil {
		return line, false
	}
	return m[1] + repl + m[3], true
}
