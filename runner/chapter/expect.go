package chapter

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// An Expectation is a parsed line of an expect block: a claim about the
// ratio of two cells' wall-clock times, checked against a bound that may
// depend on the number of cores the machine offers.
//
//	speedup cpu-pool over cpu-sync >= 0.8 * min(cores, 20) ideal 20 / ceil(20 / min(cores, 20))
//
// With "in CELL", A and B are not cells but values that CELL reports in its
// output (see ReportedValue), both measured in the same run:
//
//	speedup "waiting at once" over "waiting in a row" in classify >= 2.5 ideal 4
//
// A parallelism expectation claims how many cores one cell keeps busy on
// average: its CPU time over its wall-clock time.
//
//	parallelism cpu-pool >= 0.7 * min(cores, 20) ideal min(cores, 20)
type Expectation struct {
	Line  int    // the line in the chapter
	Text  string // the line as written, without a trailing comment
	Kind  string // "speedup" or "parallelism"
	Cell  string // the cell whose speedup is claimed (A in "speedup A over B"), or A's label; the cell of parallelism
	Over  string // the baseline cell (B), or B's label; "" for parallelism
	In    string // the cell reporting A and B, or "" when they are cells
	Op    string // ">=" or "<="
	Bound *Expr
	Ideal *Expr // nil when the line names no ideal
}

// UsesCores reports whether the bound or the ideal depends on the number of
// cores, which makes the verdict depend on how many the machine offers.
func (e *Expectation) UsesCores() bool {
	return e.Bound.UsesCores() || e.Ideal != nil && e.Ideal.UsesCores()
}

// Cells returns the names of the cells the expectation times.
func (e *Expectation) Cells() []string {
	if e.In != "" {
		return []string{e.In}
	}
	if e.Kind == "parallelism" {
		return []string{e.Cell}
	}
	return []string{e.Cell, e.Over}
}

// ParseExpect parses one line of an expect block.
func ParseExpect(x *Expect) (*Expectation, error) {
	text := x.Text
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	e := &Expectation{Line: x.Line, Text: text}
	const want = "want speedup A over B >= bound [ideal expr], speedup \"label A\" over \"label B\" in CELL >= bound, or parallelism CELL >= bound"
	rest, quoted := text, false
	// word takes the next word, or a quoted string where a label may be.
	word := func(label bool) (string, bool) {
		rest = strings.TrimLeft(rest, " \t")
		if label && strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return "", false
			}
			rest, quoted = rest[len(q):], true
			s, _ := strconv.Unquote(q)
			return s, strings.TrimSpace(s) != ""
		}
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			i = len(rest)
		}
		w := rest[:i]
		rest = rest[i:]
		return w, w != ""
	}
	kw, _ := word(false)
	switch {
	case kw == "":
		return nil, errors.New("empty expectation")
	case kw == "parallelism":
		return parseParallelism(e, rest)
	case kw != "speedup":
		return nil, fmt.Errorf("unknown expectation %q: %s", kw, want)
	}
	e.Kind = kw
	var ok [4]bool
	var over string
	e.Cell, ok[0] = word(true)
	over, ok[1] = word(false)
	e.Over, ok[2] = word(true)
	e.Op, ok[3] = word(false)
	if !ok[0] || !ok[1] || !ok[2] || !ok[3] || over != "over" {
		return nil, fmt.Errorf("malformed expectation: %s", want)
	}
	if e.Op == "in" {
		if e.In, _ = word(false); e.In == "" {
			return nil, errors.New("malformed expectation: in names no cell")
		}
		e.Op, _ = word(false)
	}
	if e.Op != ">=" && e.Op != "<=" {
		return nil, fmt.Errorf("comparison %q: want >= or <=", e.Op)
	}
	if e.In == "" && quoted {
		return nil, errors.New("quoted labels name values a cell reports: add in CELL")
	}
	if err := parseBound(e, rest); err != nil {
		return nil, err
	}
	return e, nil
}

// parseParallelism parses what follows "parallelism": a cell, >= or <=,
// the bound and its ideal.
func parseParallelism(e *Expectation, rest string) (*Expectation, error) {
	e.Kind = "parallelism"
	f := strings.Fields(rest)
	if len(f) < 2 || strings.HasPrefix(f[0], `"`) {
		return nil, errors.New("malformed expectation: want parallelism CELL >= bound [ideal expr]")
	}
	e.Cell, e.Op = f[0], f[1]
	if e.Op != ">=" && e.Op != "<=" {
		return nil, fmt.Errorf("comparison %q: want >= or <=", e.Op)
	}
	rest = strings.TrimLeft(rest, " \t")
	rest = strings.TrimLeft(rest[len(e.Cell):], " \t")
	if err := parseBound(e, rest[len(e.Op):]); err != nil {
		return nil, err
	}
	return e, nil
}

// parseBound parses what follows the operator: the bound, then after
// "ideal" the ideal.
func parseBound(e *Expectation, rest string) error {
	p := &exprParser{src: rest}
	p.next()
	var err error
	if e.Bound, err = p.expr(); err != nil {
		return fmt.Errorf("bound: %v", err)
	}
	if p.tok == "ideal" {
		p.next()
		if e.Ideal, err = p.expr(); err != nil {
			return fmt.Errorf("ideal: %v", err)
		}
	}
	if p.tok != "" {
		return fmt.Errorf("unexpected %q after the expression", p.tok)
	}
	return nil
}

// ParseExpects parses the chapter's expect lines and checks that the cells
// they name exist and can be timed: complete programs that run. Every
// problem is reported, at its line.
func ParseExpects(ch *Chapter) ([]*Expectation, ErrorList) {
	var out []*Expectation
	var errs ErrorList
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &Error{Path: ch.Path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, x := range ch.Expects {
		e, err := ParseExpect(x)
		if err != nil {
			bad(x.Line, "expect: %v", err)
			continue
		}
		ok := true
		for _, name := range e.Cells() {
			c := ch.Cell(name)
			switch {
			case c == nil:
				bad(x.Line, "expect: no cell named %q", name)
			case c.File:
				bad(x.Line, "expect: cell %s is a file cell: it does not run on its own; time a program built with it", name)
			case c.Test:
				bad(x.Line, "expect: cell %s is a test: its run is a test binary's, not a program's work; time a program", name)
			case !c.Program:
				bad(x.Line, "expect: cell %s is a fragment: only complete programs (package main) can be timed", name)
			case c.NoRun:
				bad(x.Line, "expect: cell %s is norun", name)
			case c.Fails != nil:
				bad(x.Line, "expect: cell %s is expected to fail", name)
			default:
				continue
			}
			ok = false
		}
		if e.Kind == "speedup" && e.Cell == e.Over && ok {
			what := "a cell's"
			if e.In != "" {
				what = "a value's"
			}
			bad(x.Line, "expect: %s speedup over itself", what)
			ok = false
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, errs
}

// An Expr is a node of a bound's arithmetic: a number, cores, an operator
// (+ - * / and "neg") applied to Args, or a function (min, max, ceil,
// floor).
type Expr struct {
	Op   string // "num", "cores", "+", "-", "*", "/", "neg", "min", "max", "ceil", "floor"
	Num  float64
	Args []*Expr
}

// Eval computes the expression for a machine with the given cores.
func (x *Expr) Eval(cores int) (float64, error) {
	if x.Op == "num" {
		return x.Num, nil
	}
	if x.Op == "cores" {
		return float64(cores), nil
	}
	v := make([]float64, len(x.Args))
	for i, a := range x.Args {
		var err error
		if v[i], err = a.Eval(cores); err != nil {
			return 0, err
		}
	}
	switch x.Op {
	case "+":
		return v[0] + v[1], nil
	case "-":
		return v[0] - v[1], nil
	case "*":
		return v[0] * v[1], nil
	case "/":
		if v[1] == 0 {
			return 0, fmt.Errorf("division by zero in %s", x)
		}
		return v[0] / v[1], nil
	case "neg":
		return -v[0], nil
	case "ceil":
		return math.Ceil(v[0]), nil
	case "floor":
		return math.Floor(v[0]), nil
	case "min":
		m := v[0]
		for _, f := range v[1:] {
			m = math.Min(m, f)
		}
		return m, nil
	case "max":
		m := v[0]
		for _, f := range v[1:] {
			m = math.Max(m, f)
		}
		return m, nil
	}
	return 0, fmt.Errorf("unknown operation %q", x.Op)
}

// UsesCores reports whether the value depends on cores.
func (x *Expr) UsesCores() bool {
	if x.Op == "cores" {
		return true
	}
	for _, a := range x.Args {
		if a.UsesCores() {
			return true
		}
	}
	return false
}

// String prints the expression with the parentheses it needs.
func (x *Expr) String() string { return x.str(0) }

var precedence = map[string]int{"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3}

func (x *Expr) str(outer int) string {
	switch x.Op {
	case "num":
		return strconv.FormatFloat(x.Num, 'g', -1, 64)
	case "cores":
		return "cores"
	case "neg":
		if outer > 3 { // - -x would read as a decrement
			return "(-" + x.Args[0].str(4) + ")"
		}
		return "-" + x.Args[0].str(4)
	case "+", "-", "*", "/":
		p := precedence[x.Op]
		// The right operand of - and / binds tighter: a - (b - c).
		s := x.Args[0].str(p) + " " + x.Op + " " + x.Args[1].str(p+1)
		if p < outer {
			return "(" + s + ")"
		}
		return s
	}
	args := make([]string, len(x.Args))
	for i, a := range x.Args {
		args[i] = a.str(0)
	}
	return x.Op + "(" + strings.Join(args, ", ") + ")"
}

// exprParser is a recursive-descent parser over a one-token lookahead.
type exprParser struct {
	src string
	tok string // "" at the end
}

func (p *exprParser) next() {
	s := strings.TrimLeft(p.src, " \t")
	if s == "" {
		p.tok, p.src = "", ""
		return
	}
	n := 1
	switch c := s[0]; {
	case c >= '0' && c <= '9' || c == '.':
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.' || s[n] == '_') {
			n++
		}
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || s[n] == '_' || s[n] >= '0' && s[n] <= '9') {
			n++
		}
	}
	p.tok, p.src = s[:n], s[n:]
}

func (p *exprParser) expr() (*Expr, error) {
	x, err := p.term()
	for err == nil && (p.tok == "+" || p.tok == "-") {
		op := p.tok
		p.next()
		var y *Expr
		if y, err = p.term(); err == nil {
			x = &Expr{Op: op, Args: []*Expr{x, y}}
		}
	}
	return x, err
}

func (p *exprParser) term() (*Expr, error) {
	x, err := p.unary()
	for err == nil && (p.tok == "*" || p.tok == "/") {
		op := p.tok
		p.next()
		var y *Expr
		if y, err = p.unary(); err == nil {
			x = &Expr{Op: op, Args: []*Expr{x, y}}
		}
	}
	return x, err
}

func (p *exprParser) unary() (*Expr, error) {
	if p.tok == "-" {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Expr{Op: "neg", Args: []*Expr{x}}, nil
	}
	return p.primary()
}

var arity = map[string][2]int{"min": {1, -1}, "max": {1, -1}, "ceil": {1, 1}, "floor": {1, 1}}

func (p *exprParser) primary() (*Expr, error) {
	tok := p.tok
	switch {
	case tok == "":
		return nil, errors.New("unexpected end of the expression")
	case tok == "(":
		p.next()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok != ")" {
			return nil, fmt.Errorf("missing ) before %q", p.tok)
		}
		p.next()
		return x, nil
	case tok[0] >= '0' && tok[0] <= '9' || tok[0] == '.':
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", tok)
		}
		p.next()
		return &Expr{Op: "num", Num: f}, nil
	case tok == "cores":
		p.next()
		return &Expr{Op: "cores"}, nil
	}
	ar, ok := arity[tok]
	if !ok {
		return nil, fmt.Errorf("unexpected %q: want a number, cores, min, max, ceil, floor or (", tok)
	}
	p.next()
	if p.tok != "(" {
		return nil, fmt.Errorf("%s needs arguments in parentheses", tok)
	}
	p.next()
	x := &Expr{Op: tok}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		x.Args = append(x.Args, a)
		if p.tok == ")" {
			p.next()
			break
		}
		if p.tok != "," {
			return nil, fmt.Errorf("%s: want , or ) before %q", tok, p.tok)
		}
		p.next()
	}
	if len(x.Args) < ar[0] || ar[1] >= 0 && len(x.Args) > ar[1] {
		return nil, fmt.Errorf("%s takes one argument, got %d", tok, len(x.Args))
	}
	return x, nil
}

// DurationRe matches a Go duration as time.Duration prints it ("81.2ms",
// "1m3s"), after a character that is not part of a word or number
// (submatch 1). It is what the comparison masks in golden output, so a
// value a cell reports as a duration (see the timing package's
// ReportedValue) never makes its output mismatch.
var DurationRe = durationRe
