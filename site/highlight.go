package site

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"

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
	return lb.String() + d
}
