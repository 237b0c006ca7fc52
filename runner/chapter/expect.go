package chapter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/internal/atomicfile"
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
type Expectation struct {
	Line  int    // the line in the chapter
	Text  string // the line as written, without a trailing comment
	Cell  string // the cell whose speedup is claimed (A in "speedup A over B"), or A's label
	Over  string // the baseline cell (B), or B's label
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
	const want = "want speedup A over B >= bound [ideal expr], or speedup \"label A\" over \"label B\" in CELL >= bound"
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
	case kw != "speedup":
		return nil, fmt.Errorf("unknown expectation %q: %s", kw, want)
	}
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
	// The bound is what follows the operator; "ideal" ends it.
	p := &exprParser{src: rest}
	p.next()
	var err error
	if e.Bound, err = p.expr(); err != nil {
		return nil, fmt.Errorf("bound: %v", err)
	}
	if p.tok == "ideal" {
		p.next()
		if e.Ideal, err = p.expr(); err != nil {
			return nil, fmt.Errorf("ideal: %v", err)
		}
	}
	if p.tok != "" {
		return nil, fmt.Errorf("unexpected %q after the expression", p.tok)
	}
	return e, nil
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
		if e.Cell == e.Over && ok {
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

// ExpectStatus is the outcome of an expectation.
type ExpectStatus string

// The outcomes of an expectation. Inconclusive means the machine could not
// show what the expectation needs (too few usable cores, other load): it is
// reported, not a failure, unless the runner is strict.
const (
	ExpectPass         ExpectStatus = "pass"
	ExpectFail         ExpectStatus = "fail"
	ExpectInconclusive ExpectStatus = "inconclusive"
	ExpectSkip         ExpectStatus = "skip"
)

// An ExpectResult is what checking one expectation found.
type ExpectResult struct {
	Line    int          `json:"line"`
	Text    string       `json:"text"`
	Cell    string       `json:"cell"`
	Over    string       `json:"over"`
	In      string       `json:"in,omitempty"`
	Op      string       `json:"op"`
	Status  ExpectStatus `json:"status"`
	Reason  string       `json:"reason,omitempty"`  // why it failed, is inconclusive or skipped
	Ratio   float64      `json:"ratio,omitempty"`   // of time(Over)/time(Cell) over the paired runs: see RatioEstimate
	Samples []float64    `json:"samples,omitempty"` // the paired ratios, in run order
	// Low and High bound the ratio with 90% confidence (5% each side,
	// see RatioEstimate); both 0 when the samples are too few.
	Low   float64   `json:"low,omitempty"`
	High  float64   `json:"high,omitempty"`
	Load  []float64 `json:"load,omitempty"`  // cores other processes kept busy during each pair
	Bound float64   `json:"bound,omitempty"` // at Cores
	Ideal float64   `json:"ideal,omitempty"` // at Cores; 0 when the line names none
	Cores int       `json:"cores,omitempty"` // the value of cores Bound and Ideal were evaluated with
	// CoresRange is the range of core counts the load during the runs
	// allows, when it is more than one value: "1-2".
	CoresRange string `json:"cores_range,omitempty"`
	// Recorded is the ratio in the chapter's timing record for the same
	// expectation and engine, 0 if none; RecordedOn describes its machine.
	Recorded   float64 `json:"recorded,omitempty"`
	RecordedOn string  `json:"recorded_on,omitempty"`
}

// Summary prints the measurement as the report shows it:
// "speedup cpu-pool over cpu-sync: 1.93x [1.88, 1.97] over 10 rounds (bound >= 1.60, ideal 2.00; 97% of ideal)",
// the bracket being the ratio's 90% confidence interval.
func (r *ExpectResult) Summary() string {
	s := fmt.Sprintf("speedup %s over %s", r.Cell, r.Over)
	if r.In != "" {
		s = fmt.Sprintf("speedup %q over %q in %s", r.Cell, r.Over, r.In)
	}
	if len(r.Samples) == 0 {
		return s
	}
	s += fmt.Sprintf(": %.2fx", r.Ratio)
	if r.High > 0 {
		s += fmt.Sprintf(" [%.2f, %.2f]", r.Low, r.High)
	}
	rounds := "rounds"
	if len(r.Samples) == 1 {
		rounds = "round"
	}
	s += fmt.Sprintf(" over %d %s (bound %s %.2f", len(r.Samples), rounds, r.Op, r.Bound)
	if r.Ideal > 0 {
		s += fmt.Sprintf(", ideal %.2f; %.0f%% of ideal", r.Ideal, 100*r.Ratio/r.Ideal)
	}
	if r.CoresRange != "" {
		s += "; cores " + r.CoresRange
	}
	return s + ")"
}

// result starts the result of checking e.
func (e *Expectation) result() *ExpectResult {
	return &ExpectResult{Line: e.Line, Text: e.Text, Cell: e.Cell, Over: e.Over, In: e.In, Op: e.Op}
}

// Result returns the expectation's result with a status and its reason.
func (e *Expectation) Result(status ExpectStatus, reason string) *ExpectResult {
	r := e.result()
	r.Status, r.Reason = status, reason
	return r
}

// ReportedValue finds the value a cell reports under label in its output:
// the first line that starts with the label (spaces and tabs inside either
// count as one space) not followed by a letter or digit, and on it, after
// the label, the first Go duration ("81.2ms", "1m3s"), in seconds, or
// else the first number.
//
//	waiting in a row: 80.9ms
//	waiting   at once:  20.4ms
func ReportedValue(stdout, label string) (float64, error) {
	label = strings.Join(strings.Fields(label), " ")
	for _, line := range strings.Split(stdout, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		rest, ok := strings.CutPrefix(line, label)
		if !ok || rest != "" && isWordByte(rest[0]) {
			continue
		}
		if loc := durationRe.FindStringSubmatchIndex(rest); loc != nil {
			d, err := time.ParseDuration(strings.NewReplacer("µs", "us", "μs", "us").Replace(rest[loc[2*1+1]:loc[1]]))
			if err == nil {
				return d.Seconds(), nil
			}
		}
		if m := numberRe.FindString(rest); m != "" {
			return strconv.ParseFloat(m, 64)
		}
		return 0, fmt.Errorf("the line %q reports no number or duration", line)
	}
	return 0, fmt.Errorf("no line of output starts with %q", label)
}

var numberRe = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// The confidence a verdict needs. A pass needs the ratio to clear the
// bound with 95% confidence; a fail, which turns a CI
// run red, needs 99%. In between, the runner measures more rounds.
const (
	PassLevel = 0.05 // the chance a pass is wrong, at most
	FailLevel = 0.01 // the chance a fail is wrong, at most
)

// RatioEstimate returns the Hodges-Lehmann estimate of a set of ratios
// measured side by side, with confidence bounds from the Wilcoxon
// signed-rank test, both on their logarithms (a ratio and its inverse are
// symmetric there): the estimate is the median of the Walsh averages, the
// geometric means of every pair of ratios (each with itself included); the
// bounds are the Walsh averages of rank k and M-1-k, for the largest k with
// P(T <= k) <= alpha, T the signed-rank statistic of n samples. The ratio
// is at least lower, and at most upper, each with probability 1-alpha when
// the log ratios are symmetric about their center, which pairs of timings
// taken side by side are. Robust like the median (it breaks down at 29% of
// outliers, the median at 50%), it needs about two thirds as many samples
// as the sign test for the same precision. Too few samples for that
// confidence give -Inf and +Inf: five samples all on one side of a value
// happen by chance one time in 32.
func RatioEstimate(ratios []float64, alpha float64) (estimate, lower, upper float64) {
	if len(ratios) == 0 {
		return 0, math.Inf(-1), math.Inf(1)
	}
	w := newWalsh(ratios)
	lower, upper = w.bounds(alpha)
	return w.estimate(), lower, upper
}

// walsh holds the sorted Walsh averages of the log ratios of n samples,
// from which RatioEstimate takes the estimate and bounds at any level.
type walsh struct {
	n   int
	avg []float64
}

func newWalsh(ratios []float64) walsh {
	n := len(ratios)
	logs := make([]float64, n)
	for i, r := range ratios {
		logs[i] = math.Log(r)
	}
	w := walsh{n: n, avg: make([]float64, 0, n*(n+1)/2)}
	for i := range logs {
		for j := i; j < n; j++ {
			w.avg = append(w.avg, (logs[i]+logs[j])/2)
		}
	}
	sort.Float64s(w.avg)
	return w
}

func (w walsh) estimate() float64 { return math.Exp(Median(w.avg)) }

func (w walsh) bounds(alpha float64) (lower, upper float64) {
	k := signedRankCritical(w.n, alpha)
	if k < 0 {
		return math.Inf(-1), math.Inf(1)
	}
	return math.Exp(w.avg[k]), math.Exp(w.avg[len(w.avg)-1-k])
}

// signedRankCritical returns the largest k with P(T <= k) <= alpha, T the
// Wilcoxon signed-rank statistic of n samples under the null hypothesis,
// or -1 when even P(T <= 0) = 2^-n is more. The distribution is computed
// exactly up to 500 samples, by the normal approximation beyond.
func signedRankCritical(n int, alpha float64) int {
	m := n * (n + 1) / 2
	if n > 500 {
		sd := math.Sqrt(float64(n*(n+1)*(2*n+1)) / 24)
		z := math.Sqrt2 * math.Erfinv(1-2*alpha)
		return int(math.Floor(float64(m)/2 - z*sd - 0.5))
	}
	// p[t] = P(T = t): each rank 1..n is in the sum with probability 1/2.
	p := make([]float64, m+1)
	p[0] = 1
	top := 0
	for r := 1; r <= n; r++ {
		top += r
		for t := top; t >= 0; t-- {
			v := p[t]
			if t >= r {
				v += p[t-r]
			}
			p[t] = v / 2
		}
	}
	k, cdf := -1, 0.0
	for t := 0; t <= m; t++ {
		if cdf += p[t]; cdf > alpha {
			break
		}
		k = t
	}
	return k
}

// Judge checks an expectation against its paired ratios. The ratios are
// time(Over)/time(Cell) of runs made side by side; the measurement is
// their center, estimated as RatioEstimate does, which says how sure it
// is: a pass needs the confidence bound (PassLevel) on the right side of
// the bound, a fail needs the other bound (FailLevel) on the wrong side. decided is
// false when the samples allow neither: more rounds may decide. The bound
// is evaluated for every core count from lo to hi, the range the
// machine's measured parallelism allows: a verdict that differs within the
// range is inconclusive (and decided), since the machine could not show
// which one holds.
func Judge(e *Expectation, samples []float64, lo, hi int) (r *ExpectResult, decided bool) {
	r = e.result()
	r.Samples, r.Cores = samples, hi
	if len(samples) == 0 {
		r.Status, r.Reason = ExpectSkip, "no measurements"
		return r, true
	}
	w := newWalsh(samples)
	r.Ratio = w.estimate()
	passLo, passHi := w.bounds(PassLevel)
	failLo, failHi := w.bounds(FailLevel)
	if !math.IsInf(passLo, 0) {
		r.Low, r.High = passLo, passHi
	}
	if !e.UsesCores() {
		lo = hi
	}
	if hi > lo {
		r.CoresRange = fmt.Sprintf("%d-%d", lo, hi)
	}
	const pass, fail, open = 1, 2, 3
	verdicts := map[int][]int{}
	for c := lo; c <= hi; c++ {
		b, err := e.Bound.Eval(c)
		if err != nil {
			r.Status, r.Reason = ExpectFail, "bound: "+err.Error()
			return r, true
		}
		if c == hi { // shown: what the machine offers when nothing else runs
			r.Bound = b
			if e.Ideal != nil {
				if r.Ideal, err = e.Ideal.Eval(c); err != nil {
					r.Status, r.Reason = ExpectFail, "ideal: "+err.Error()
					return r, true
				}
			}
		}
		v := open
		switch {
		case e.Op == ">=" && passLo >= b, e.Op == "<=" && passHi <= b:
			v = pass
		case e.Op == ">=" && failHi < b, e.Op == "<=" && failLo > b:
			v = fail
		}
		verdicts[v] = append(verdicts[v], c)
	}
	n := len(samples)
	switch {
	case len(verdicts[pass]) > 0 && len(verdicts[fail]) > 0:
		r.Status = ExpectInconclusive
		r.Reason = fmt.Sprintf("the machine offered between %d and %d usable cores: the bound holds for %s, not for %s",
			lo, hi, coreList(verdicts[pass]), coreList(verdicts[fail]))
		return r, true
	case len(verdicts[open]) > 0:
		r.Status = ExpectInconclusive
		if math.IsInf(passLo, 0) {
			r.Reason = fmt.Sprintf("%d rounds are too few to decide", n)
		} else {
			r.Reason = fmt.Sprintf("%d rounds do not decide: the ratio is between %.2f and %.2f (90%% confidence), the bound %s %.2f is inside",
				n, passLo, passHi, e.Op, r.Bound)
		}
		return r, false
	case len(verdicts[fail]) > 0:
		r.Status = ExpectFail
		if e.Op == ">=" {
			r.Reason = fmt.Sprintf("speedup %.2fx is not >= %.2f: over %d rounds it is at most %.2f (99%% confidence)", r.Ratio, r.Bound, n, failHi)
		} else {
			r.Reason = fmt.Sprintf("speedup %.2fx is not <= %.2f: over %d rounds it is at least %.2f (99%% confidence)", r.Ratio, r.Bound, n, failLo)
		}
		return r, true
	}
	r.Status = ExpectPass
	return r, true
}

func coreList(cs []int) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = strconv.Itoa(c)
	}
	if len(s) == 1 && s[0] == "1" {
		return "1 core"
	}
	return strings.Join(s, ", ") + " cores"
}

// Median returns the median of v (the mean of the middle two for an even
// count), or 0 for none.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// A Machine describes where timings were measured.
type Machine struct {
	CPUs       int `json:"cpus"`       // runtime.NumCPU
	GOMAXPROCS int `json:"gomaxprocs"` // of the runner
	Cores      int `json:"cores"`      // what cores evaluated to
	// Parallelism is the measured effective parallelism: how many
	// goroutines spinning at once got done per unit of time, relative to
	// one, with the load of the moment.
	Parallelism float64 `json:"parallelism,omitempty"`
	CPUModel    string  `json:"cpu_model,omitempty"`
	OS          string  `json:"os"`
	Arch        string  `json:"arch"`
	GoVersion   string  `json:"go_version"`
	Yaegi       string  `json:"yaegi,omitempty"` // the interpreter's module version
	Engine      string  `json:"engine"`
}

// String describes the machine in one line.
func (m *Machine) String() string {
	s := fmt.Sprintf("%d cpus, GOMAXPROCS %d", m.CPUs, m.GOMAXPROCS)
	if m.Parallelism > 0 {
		s += fmt.Sprintf(", parallelism %.2f", m.Parallelism)
	}
	if m.CPUModel != "" {
		s += ", " + m.CPUModel
	}
	s += fmt.Sprintf(", %s/%s, %s, engine %s", m.OS, m.Arch, m.GoVersion, m.Engine)
	if m.Engine == "yaegi" && m.Yaegi != "" {
		s += " " + m.Yaegi
	}
	return s
}

// Timings is a chapter's golden timing record, stored beside it
// (chapters/cpu.md: chapters/cpu.timings.json) by -update: one record per
// engine, since the interpreter and compiled code scale differently.
type Timings struct {
	Records []*TimingRecord `json:"records"`
}

// A TimingRecord is the expectations of a chapter as measured by one
// engine on one machine.
type TimingRecord struct {
	Engine       string          `json:"engine"`
	Machine      Machine         `json:"machine"`
	Date         time.Time       `json:"date"`
	Count        int             `json:"count"` // runs per timed cell
	Expectations []*ExpectResult `json:"expectations"`
}

// TimingsPath is the file of a chapter's timing record.
func TimingsPath(chapterPath string) string {
	return strings.TrimSuffix(chapterPath, ".md") + ".timings.json"
}

// ReadTimings reads the timing record of the chapter at chapterPath; a
// chapter without one has an empty record and no error.
func ReadTimings(chapterPath string) (*Timings, error) {
	data, err := os.ReadFile(TimingsPath(chapterPath))
	if errors.Is(err, os.ErrNotExist) {
		return &Timings{}, nil
	}
	if err != nil {
		return nil, err
	}
	var t Timings
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %v", TimingsPath(chapterPath), err)
	}
	return &t, nil
}

// Record returns the record of the engine, or nil.
func (t *Timings) Record(engine string) *TimingRecord {
	for _, r := range t.Records {
		if r.Engine == engine {
			return r
		}
	}
	return nil
}

// Set replaces the record of r's engine, or adds it.
func (t *Timings) Set(r *TimingRecord) {
	for i, old := range t.Records {
		if old.Engine == r.Engine {
			t.Records[i] = r
			return
		}
	}
	t.Records = append(t.Records, r)
	sort.Slice(t.Records, func(i, j int) bool { return t.Records[i].Engine < t.Records[j].Engine })
}

// Find returns the recorded result for the expectation written as text, or
// nil.
func (r *TimingRecord) Find(text string) *ExpectResult {
	for _, e := range r.Expectations {
		if e.Text == text {
			return e
		}
	}
	return nil
}

// WriteTimings stores the timing record of the chapter at chapterPath,
// atomically.
func WriteTimings(chapterPath string, t *Timings) error {
	// Written for people to read too: ">=" stays ">=".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return err
	}
	return atomicfile.WriteFile(TimingsPath(chapterPath), buf.Bytes())
}
