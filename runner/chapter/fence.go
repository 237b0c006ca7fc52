package chapter

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// fence is a fenced block located in the source: goldmark gives the
// content lines, the rest (fence lines, closing fence, spans) is measured
// here so that -update can rewrite exactly the bytes between the fences.
type fence struct {
	info     string
	lines    []string // content lines, container indentation removed
	codeLine int      // line of the first content line
	span     Span     // opening fence line start .. after closing fence line
	content  Span
	indent   string // what precedes the opening fence on its line
	char     byte
	width    int
}

func fenceOf(src []byte, fb *ast.FencedCodeBlock) (*fence, error) {
	pos := fb.Pos()
	if pos < 0 || pos >= len(src) {
		return nil, fmt.Errorf("fenced block without a position")
	}
	lineStart := bytes.LastIndexByte(src[:pos], '\n') + 1
	f := &fence{indent: string(src[lineStart:pos]), char: src[pos]}
	for pos+f.width < len(src) && src[pos+f.width] == f.char {
		f.width++
	}
	eol := lineEnd(src, pos)
	f.info = strings.TrimSpace(string(src[pos+f.width : eol]))
	next := eol
	if next < len(src) {
		next++
	}
	f.content.Start = next
	f.codeLine = bytes.Count(src[:next], []byte("\n")) + 1
	segs := fb.Lines()
	for i := 0; i < segs.Len(); i++ {
		s := segs.At(i)
		f.lines = append(f.lines, string(s.Value(src)))
		next = s.Stop
		if next > 0 && src[next-1] != '\n' {
			next = lineEnd(src, next)
			if next < len(src) {
				next++
			}
		}
	}
	f.content.End = next
	// The line after the content must close the fence; if goldmark ended the
	// block some other way (end of file, end of a list item or a quote),
	// the fence was never closed.
	if next >= len(src) || !f.closes(src[next:lineEnd(src, next)]) {
		return nil, fmt.Errorf("unterminated code fence %s", strings.Repeat(string(f.char), f.width))
	}
	f.span = Span{lineStart, min(lineEnd(src, next)+1, len(src))}
	return f, nil
}

func (f *fence) closes(line []byte) bool {
	s := strings.TrimLeft(string(line), " \t>")
	n := 0
	for n < len(s) && s[n] == f.char {
		n++
	}
	return n >= f.width && strings.TrimSpace(s[n:]) == ""
}

func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}
