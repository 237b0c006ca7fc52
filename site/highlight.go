package site

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// highlight returns code as HTML: one span per token with chroma's short
// class names (the colours are in the style sheet, see chromaCSS), lines
// listed in hl (1-based) wrapped in <span class="hl">. An unknown language
// is escaped as plain text.
func highlight(code, lang string, hl map[int]bool) string {
	key := highlightKey{lang, code, fmt.Sprint(hl)}
	if v, ok := highlighted.Load(key); ok {
		return v.(string)
	}
	h, ok := fromDisk(key)
	if !ok {
		h = highlightUncached(code, lang, hl)
	}
	highlighted.Store(key, h)
	return h
}

// highlighted memoizes highlight: chroma's lexers are regular-expression
// machines, and most of a rebuild (go run ./cmd/site -serve, the benchmark)
// highlights code that has not changed.
var highlighted sync.Map // highlightKey -> string

type highlightKey struct{ lang, code, hl string }

func highlightUncached(code, lang string, hl map[int]bool) string {
	var b strings.Builder
	b.Grow(len(code) * 2)
	lexer := lexers.Get(lang)
	if lang == "" || lexer == nil {
		if len(hl) == 0 {
			return html.EscapeString(code)
		}
		lexer = lexers.Fallback
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return html.EscapeString(code)
	}
	for i, line := range chroma.SplitTokensIntoLines(it.Tokens()) {
		if hl[i+1] {
			b.WriteString(`<span class="hl">`)
		}
		for _, t := range line {
			cls := tokenClass(t.Type)
			if cls == "" {
				b.WriteString(html.EscapeString(t.Value))
				continue
			}
			b.WriteString(`<span class="`)
			b.WriteString(cls)
			b.WriteString(`">`)
			b.WriteString(html.EscapeString(t.Value))
			b.WriteString(`</span>`)
		}
		if hl[i+1] {
			b.WriteString(`</span>`)
		}
	}
	return b.String()
}

// tokenClass is the class chroma's HTML formatter gives a token type: its
// own, else its parent's.
func tokenClass(t chroma.TokenType) string {
	if t == chroma.TextWhitespace || t == chroma.Text {
		return "" // no colour: a span would only make the page bigger
	}
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return ""
}

// parseLines parses hl_lines="2 3 5-7" into a set of line numbers.
func parseLines(s string) map[int]bool {
	if s == "" {
		return nil
	}
	set := map[int]bool{}
	for _, f := range strings.Fields(s) {
		lo, hi, found := strings.Cut(f, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if found {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			continue
		}
		for i := a; i <= b && i-a < 10000; i++ {
			set[i] = true
		}
	}
	return set
}

var cssRule = regexp.MustCompile(`(?m)^(/\*.*?\*/ )?\.(chroma|bg)\b`)

// chromaCSS returns the style sheet of the code colours: the light style
// for the default theme and the dark style under [data-theme="dark"].
func chromaCSS(light, dark string) string {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var lb, db bytes.Buffer
	_ = f.WriteCSS(&lb, styles.Get(light))
	_ = f.WriteCSS(&db, styles.Get(dark))
	d := cssRule.ReplaceAllString(db.String(), `$1[data-theme="dark"] .$2`)
	// A token class the dark style leaves out would keep its light colour
	// (dark grey on black): reset every token first, then apply the dark
	// rules, which are more specific.
	reset := `[data-theme="dark"] .chroma span { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; }` + "\n"
	return lb.String() + reset + d + `[data-theme="dark"] .chroma .hl { background-color: #262c36 }` + "\n"
}
