/*
Package runner executes the Go cells of a chapter and verifies what they print.

A chapter is a Markdown file (CommonMark with GitHub extensions and optional
YAML front matter). The runner parses it with goldmark's syntax tree (package
[github.com/concurrency101/book/runner/chapter]); this comment is the
specification of record for the chapter format.

# Cells

A cell is a fenced code block whose language is go. Its attributes are
written as an attribute list, the form pymdownx.superfences reads with
attr_list (both on in mkdocs.yml), so that MkDocs shows every cell as code:

	```{.go title="cpu_sync.go" name="cpu-sync" timeout="30s"}
	package main
	...
	```

The braces hold the language as the first class (.go), then key="value"
pairs (single quotes or, for a value without spaces, none also work) and
flags written as classes (.unchecked, .race, .norun), separated by spaces,
in any order after .go. A value may not hold a }: the list ends at the
first one. A plain ```go needs no braces, and the bare form
```go title="a.go" linenums="1" hl_lines="2 3" stays valid for exactly what
superfences accepts there: title, linenums and hl_lines, quoted. Any other
attribute in the bare form (```go name="a" unchecked) is an error: MkDocs
would show the fence as a paragraph of text. The error, at the fence's
file:line, gives the attribute list to write instead, and
go run ./cmd/fixfences FILE|DIR... rewrites every such opening line in place
(.md and .txtar files, and the string literals of .go files), nothing else.

A malformed or unknown attribute, a repeated one, a flag written with a
value or as a bare word inside the braces (MkDocs would read unchecked as
unchecked="unchecked"), or a .go that is not the first class is an error at
the fence's file:line; an unknown name comes with the nearest valid one
(did you mean timeout?) and the list of them. The cell stays in the chapter,
with every attribute that could be read (its name, so its output blocks
and expectations still find it): it is not run, and it fails with that one
error. Known attributes:

	name="cpu-sync"    the cell's name, used by -run, expectations and reports;
	                   it must be unique in the chapter. Default: the title
	                   without ".go", else "L<line>" (the fence's line).
	title="cpu.go"     the file name shown above the code (MkDocs-Material).
	                   A title that ends in _test.go makes a test cell: see
	                   Tests.
	timeout="30s"      a time.ParseDuration value; the default is the
	                   runner's -timeout (10s).
	.norun             the cell is shown but not executed; it may not have an
	                   output block.
	.unchecked         the cell prints what differs between runs or machines
	                   (core counts, timings, connection counts): it runs and
	                   must not fail, it may not have an output block, -update
	                   does not create one, and -engine=both compares only how
	                   it ends.
	fails="KIND"       the cell is expected to fail, and the failure is what is
	fails="KIND: msg"  checked. KIND is one of compile, panic, fatal, exit,
	                   timeout, race, memory. With ": msg", the failure's message must start with
	                   msg (for example fails="panic: boom",
	                   fails="exit: exit status 3").
	engine="go"        the cell needs the Go toolchain (for what the
	                   interpreter cannot do); see Engines.
	.race              build the cell with the race detector; implies
	                   engine="go".
	.file              the cell is a file of the chapter's programs, not a
	                   program: see Programs of several files.
	with="a b"         the program is built with these file cells, named
	                   and separated by spaces: see Programs of several files.
	linenums="1"       display attributes of MkDocs-Material, checked as
	hl_lines="2 4-6"   superfences checks them; ignored by the runner. The
	                   site draws them as Material does: linenums="N" a
	                   column of line numbers from N ("N STEP" numbers only
	                   the lines STEP divides, "N STEP SPECIAL" marks every
	                   SPECIAL-th; a start of 0 shows none), hl_lines the
	                   lines it lists highlighted, counted from the block's
	                   first line whatever linenums starts at.

On the site, a cell is anchored as #cell-NAME when it has a name or a
title, else by a hash of its code (#cell-3fa2c1d0, made unique in the page),
so links survive edits of the prose around it; its badge tells a verified
output (pass) from an expected failure and an unchecked run.

A cell may stand wherever Markdown puts a fenced block, and the runner and
the site read the same syntax tree, so every Go fence the site shows is a
cell that runs:

	at top level
	in a list item          - text, then the fence indented to the item
	in a block quote        > ```go
	in an admonition        !!! note "Title", body indented four spaces
	in a collapsible one    ??? tip, ???+ tip (pymdownx.details)
	in a content tab        === "Go", body indented four spaces
	                        (pymdownx.tabbed; "===!" starts a new set)

and in any nesting of these. A fence indented four spaces without such a
container is an indented code block, not a cell. A cell's output blocks
follow it in the same container. -update rewrites an output block where it
stands, and creates a missing one right after its cell, in the cell's
container: its lines repeat what precedes the cell's fence (the indentation
of a list item, an admonition or a tab; the > markers of a quote), with
list markers turned into spaces. A rewrite that would not parse back to the
same cells, each with its new blocks and nothing else changed (a container
that cannot take the block), is refused for the whole chapter with a
"not updated:" error naming the cell, and nothing is written.

# Complete programs and fragments

A cell whose source has a package clause is a complete program: it must be
package main with a func main. It runs in a fresh interpreter, as a reader who
copies it into a file and types go run would see it: when main returns, the
program is over, and goroutines it left running are discarded (the worker that
ran it is replaced).

A cell without a package clause is a fragment: declarations and statements
that run in the chapter's session, one interpreter per chapter in which the
functions, types, variables and imports of earlier fragments stay defined,
like the cells of a Jupyter notebook. Top-level statements run in order, at
package scope: a variable declared with := in one fragment is visible to the
next. A fragment may import packages; importing a package an earlier fragment
imported is allowed and does nothing.

A fragment may declare again a name that an earlier fragment declared (a
function, a type, a variable with var or :=, a constant), as a notebook's
edited cell does when it runs again. The later declaration replaces the earlier
one, by one rule under both engines (GoNB, a Go kernel, lets a later cell
redefine a function the same way):

  - from the fragment that declares it on, the name means the new
    declaration, which may be of another kind or type: greet may take
    other parameters, x := "text" may follow x := 1, a function may
    become a variable and a variable a function;
  - the code of earlier fragments keeps the declaration it was written
    against, as the interpreter binds a name when it compiles the code
    that uses it: statements that ran keep their effects and are never
    run again with the new meaning; a function declared earlier that
    calls greet goes on calling the old greet, one that increments count
    the old count; a closure or a goroutine that captured x keeps the old
    variable; a value of a type declared again keeps the old type and its
    methods (the new type is another type, and a method declared later
    belongs to it). To make caller call the new greet, declare caller
    again (run its fragment again);
  - every name on the left of a fragment's top-level := is a new
    variable, also where an earlier fragment declared it: after
    n, err := f() a closure of an earlier fragment that holds err still
    sees the old one. Within one fragment, := follows Go's rule: a name the
    same fragment declared already is assigned.

What the interpreter cannot do faithfully is refused under both engines,
as a compile failure at the new declaration's file:line:col, and the
session is left as it was:

  - a type that replaces a declaration of another kind (a function, a
    variable, a constant), or is replaced by one;
  - declaring again a generic function or type, or declaring one under a
    name an earlier fragment declared (the interpreter keeps the old one);
  - declaring again a method of a type an earlier fragment declared,
    which would change the method set of values that exist (the
    interpreter keeps the old method): declare the type again with its
    methods; adding a method is allowed;
  - a fragment that declares a name again and also uses the declaration
    it replaces: x := x + 1 (the interpreter sees the new variable, zero,
    on the right); a statement that uses x above the fragment's own
    var x (the interpreter runs it before it declares x); a function the
    fragment declares that uses a variable the fragment replaces with :=
    (in the toolchain's program it cannot see that variable): assign
    with = instead, or choose another name. The error names both places.

The go engine, which assembles the session into one program (see
Engines), gives every declaration that a later fragment replaced, and the
earlier fragments' references to it, a name of its own (greet_bookrt0,
after the index of its fragment in the session); the latest declaration
of each name keeps it, so compile errors speak of the chapter's names.
go/types checks a fragment in the same program, so it accepts what the
rule allows. The interpreter binds functions, variables and constants by
the rule already; it cannot declare a type again, so the runner gives a
type's later declarations, and the references to them, names of their
own in what the interpreter evaluates (point_bookrt_v1, point_bookrt_v2,
...; the interpreter's %T never prints an interpreted type's name, under
any rule). [FragmentNames] lists the names a fragment declares and the
names it uses, for a notebook to tell which cells an edit makes stale.

# Tests

A cell whose title ends in _test.go is a test cell: a test file of package
main, which go test runs, for what needs a *testing.T (testing/synctest,
t.Run, the race detector under go test -race):

	```{.go title="counter_test.go" name="counter-test" with="counter"}
	package main

	import "testing"

	func TestCounter(t *testing.T) { ... }
	```

The runner runs it as go test -v runs it: the package of the test file
(and of the file cells named by with=, see Programs of several files) is
built with go test -c (which runs go vet's checks, as go test does; with
.race, -race), in the go engine's module, and the test binary runs with
-test.v, its output captured as a program's. Only the toolchain runs tests:
under auto and both the cell is routed there ("go: a test: go test"), and
-engine=yaegi refuses it, a compile failure at its line that says so;
engine="go" or .race runs it under the toolchain whatever -engine says, as
for any cell. Its output is what go test -v prints: "=== RUN   TestX", the
tests' logs, "--- PASS: TestX (0.00s)" (the duration is masked, as any),
then PASS or FAIL. The line go test itself adds ("ok  \tpkg\t0.005s") is
not printed: the test binary does not print it. Positions are the
chapter's, as for every cell built with //line directives: t.Log, t.Error
and compile errors name the chapter's file and line ("    testing.md:42:
elapsed 1h0m0s"), where go test at a prompt names counter_test.go and its
own line.

A test that fails makes the binary exit with status 1: the run fails with
the kind exit, "exit status 1: failed: TestA, TestB" (the top-level tests
that printed --- FAIL), and fails="exit" or fails="exit: exit status 1"
expects it; its output, the --- FAIL lines and the logs, is checked as
any. A race the detector finds during a test (testing then fails the
test) is the kind race, as in a program; a panic in a test, such as the
deadlock a testing/synctest bubble reports, the kind panic; the timeout
stops the binary as it stops a program. In a race report of a test the
standard library's files are written under $GOROOT/src, since package
testing starts the test goroutines (the report is otherwise the
program's: positions at the chapter's lines, code offsets dropped).

A test cell must have a package clause, package main; its title must be
a file name go test reads (no directory, no _ or . first, no _linux or
_amd64 before _test). It has no func main of its own to time, so a
timing expectation cannot name it (time a program). -json and the
reports give its Kind as "test". On the site it is shown as a program is,
with its title; the notebook's Run runs it as the runner does.

# Programs of several files

A program can be built, as Go builds a package, from its own file and
file cells of the chapter, so that code several programs share (a test
server, its client) is written and shown once:

	```{.go title="site.go" name="io-site" .file}
	package main

	import "net/http/httptest"

	func newSite(...) *httptest.Server { ... }
	```

	```{.go title="io_pool.go" name="io-pool" with="io-site"}
	package main

	func main() { site := newSite(...); ... }
	```

A file cell (.file) is a Go source file of package main without func main:
declarations only, with the imports its own code uses, as any file of a
package. Its title is its file name and is required (title="NAME.go"). It
does not run on its own: it has no output block (one after it is an error
at the block's line), it takes none of the attributes about running
(.norun, .unchecked, fails, timeout, engine, .race) and no with=, so file
cells never name each other and cannot form a cycle. It is reported as
skipped, "file cell: built into io-pool, io-sync" (-json Kind "file").

with= on a complete program or a test cell names the file cells it is
built with, separated by spaces (not commas), each once, in any order; a
file cell may stand before or after the programs that use it. The
program's own file is named by its title (main.go when it has none; a test
cell's is its title, and only the toolchain builds it: see Tests; a file
cell is never a test, and its title may not end in _test.go), and the program is one
package of these files: each file imports what its own code uses (as with go
build, a package that only another file imports is undefined), every
file sees the declarations of the others, and the files are given to the
compiler sorted by name, as go build does, so that package initialization
runs in the same order under both engines.

  - The toolchain builds the package from each file written under its
    name, with //line directives, so that its errors, panics and goroutine
    dumps name each file's lines in the chapter.
  - The interpreter evaluates one file (yaegi reads several files only
    from a package directory, with EvalPath, which compiles and runs in one
    call: the runner compiles first, times the execution alone, and
    rewrites the source in between): the imports of every file, each once,
    then each file's text with its package clause and imports blanked out,
    every token at its line and column, and a //line directive before each
    file. go/types checks the files as separate files of one package
    before that, so a compile error is Go's; a compile error or a refusal
    of the rewrite in a file cell names the file cell's line in the
    chapter. Two files that import different packages under one name
    (math/rand and crypto/rand as rand) cannot be one file: the
    interpreter refuses the program, and auto runs it under the toolchain.

A file cell with a problem (no title, func main, not package main, an
attribute about running, never named by a program) fails with its error at
its line; so does a program whose with= names no cell ("did you mean"
suggests the nearest file cell), a cell that is not a file cell, an
invalid file cell, a name twice, or two files of the same name; with= on a
fragment is an error too. The other cells run. Everything else holds for
such a program as for any: engine routing, -engine=both, timing
expectations (a file cell cannot be timed: time the programs), -update,
which writes the programs' output blocks and never changes a file cell,
and the names in -json and JUnit, which are the programs'.

On the site a file cell is shown once, where it stands; each program built
with it says "uses site.go" with a link to it, and its copy button copies
the whole program as one file that go run builds: the imports of every
file, each once, then each file's declarations under a "// NAME.go"
comment, formatted by gofmt (one file, because a clipboard holds one text
and a reader pastes it into one main.go; for a test cell, into one file
named as its title, which go test runs).

# Output blocks

The golden output of a cell is a fenced block with the info string output
that follows it; only blank lines may stand between the cell and the block.

	```output
	sum = 1234
	```

A cell may have up to two output blocks, one per stream: output (or
output stdout) is compared with what the cell wrote to standard output,
output stderr with what it wrote to standard error. The word unordered
after the stream compares lines as a multiset, as Go's "Unordered output"
examples do. MkDocs shows a bare output block with words as text, so a
chapter writes the words as classes, {.output .stderr},
{.output .unordered}; -update creates stderr blocks that way, and
cmd/fixfences converts the bare form.
A mismatch whose lines are the same in another order says so and suggests
the flag. -update never adds the flag, and keeps it: to record an unordered
output, write the empty block by hand ({.output .unordered}, then the
closing fence) and run -update, which fills it.

Comparison rules, applied to both the golden and the captured text:

  - CRLF becomes LF, trailing spaces and tabs are removed from every line,
    and leading and trailing blank lines are ignored;
  - volatile values are masked: a duration as time.Duration prints it
    (1.5s, 250ms, 3µs, 1m2.5s, 1h0m0s), a hexadecimal address of six digits
    or more (0xc000012345) and a goroutine number (goroutine 17) match any
    value of the same kind. A golden 1.2s matches a captured 980ms; it does
    not match 12 or "fast". Timing claims are made by expectations instead;
  - a position in the chapter (a race report's or a stack's) is compared by
    the chapter's file name: chapters/cpu.md:42 and ../chapters/cpu.md:42
    match, as the path depends on where the run was started.

A cell without an output block runs and must not fail, but what it prints is
not compared. An output block with no cell before it is an error.

# Failures

A run that does not end normally ends in one of these ways
(chapter.FailKind, the fail_kind of a result):

	compile      the cell does not build: a compile error at the chapter's
	             line and column, or a construct the rewrite cannot give
	             Go's semantics (see Engines)
	panic        a panic in main or in any goroutine the cell started
	fatal        a fatal error of the Go runtime, which no recover stops:
	             "fatal error: all goroutines are asleep - deadlock!",
	             "fatal error: concurrent map writes", ...
	exit         os.Exit or log.Fatal with a non-zero status
	timeout      the cell's timeout passed
	race         the race detector found a data race (cells with race)
	memory       the cell exceeded the memory limit (2 GiB)
	crash        the process that ran the cell died with no reason the
	             runner can read (a signal, a worker that vanished)
	interrupted  the run was stopped (Ctrl-C) before the cell ended

A cell fails when its run ends in any of these ways, or when its output
differs from the golden output. A cell with fails="KIND" passes exactly when
it fails that way; KIND is one of the first seven: crash and interrupted are
the runner's conditions, not behaviour a chapter can promise. The message
of fails="KIND: msg" is matched against the failure's message without its
kind: "boom" for "panic: boom", "all goroutines are asleep" for "fatal
error: all goroutines are asleep - deadlock!". Output captured up to a
failure is kept and reported; the runtime's own report of a panic or a
fatal error (its line and the goroutine dump) is not output, but the
failure's message.

Compile errors are Go's under both engines. Before the interpreter runs a
cell, go/types checks it: a program as it stands, a fragment as the go
engine builds it, with the session's fragments so far (those that ran
without failing) in scope; an import a fragment does not use yet is no
error. The errors are the compiler's, in its words and order, at the
chapter's line and column ("chapters/x.md:12:7: undefined: time.Slep"), up
to ten. The packages come from the export data of the Go command's build
cache (go list -export, once per process for each new set of imports,
about half a second warm; a cell then takes about a millisecond). A syntax
error, or an import the toolchain cannot resolve, is left to the
interpreter, which reports it in its own words.

Deadlocks end the same way under both engines. The Go runtime stops a
program whose goroutines are all blocked with nothing left to wake them;
the interpreter's worker has goroutines of its own, which the runtime's
check would count, so the worker watches the cell's goroutines instead:
when every goroutine the cell (and the session's earlier fragments)
started is blocked on a channel, a select or package sync (chan receive,
chan send, select, sync.Mutex.Lock, sync.WaitGroup.Wait, semacquire, ...),
twice in a row 20ms apart, and nothing could wake one (no goroutine
sleeps, waits for I/O or in a system call, and no timer is pending: the
cell made no time.Timer, time.Ticker, time.AfterFunc or time.Tick, and
every time.After and context deadline it made has passed), the cell fails
at once with the runtime's "fatal error: all goroutines are asleep -
deadlock!" (kind fatal). The check is conservative: where it cannot tell,
the cell runs to its timeout, as a Go program with a live timer or
listener does. One case differs from Go, which counts a Timer or Ticker
only while a goroutine waits on its channel: a deadlocked cell that made
one the worker counts it anyway and times out, where go run reports the
deadlock; -engine=both says the engines disagree.

# Timing expectations

A fenced block with the info string expect holds claims about how long
cells take relative to each other, one per line; blank lines and text after
# are ignored:

	```expect
	speedup cpu-pool over cpu-sync >= 0.8 * min(cores, 20) ideal 20 / ceil(20 / min(cores, 20))
	speedup cpu-one-core over cpu-sync <= 1.25   # no faster on one core
	```

speedup A over B is time(B) / time(A), the ratio of the cells' wall-clock
times (compilation excluded). With in CELL, A and B are instead labels of
values that one cell reports in its output, quoted when they hold spaces,
and the ratio is value(B) / value(A) from the same run:

	speedup "waiting 4 at once" over "waiting 4 in a row" in classify >= 2.5 ideal 4

parallelism A is CPU time over wall-clock time of one run of cell A: the
cores it kept busy on average, all the process's threads counted (the
runtime's and its garbage collector's too). It barely depends on what else
runs: a pool that lost its parallelism keeps about one core busy whatever
the load, a correct one nearly every core it is given:

	parallelism cpu-pool >= 0.7 * min(cores, 20) ideal min(cores, 20)

A value is reported by a line of output that starts with its label (runs of
spaces count as one; the label may not continue into a word), followed by a
Go duration (80.9ms, 1m2.5s; the first one on the line) or else a number.
Durations in golden output are masked, so a cell can print its own timings
and still be checked. It must be >= or <= the bound, an arithmetic
expression of numbers, + - * /, parentheses, min(x, ...), max(x, ...),
ceil(x), floor(x) and the variable cores. After the operator and the bound,
ideal EXPR names the physical limit, which the report prints beside the
measurement. The cells must be complete programs that run (not norun, not
expected to fail); an unknown cell or a syntax error is an error at the
line, and a label the verified run does not report fails the expectation.

The cells an expectation names are timed: after the run whose output is
verified, they run again in rounds, interleaved (A B, then B A, ...), in
batches of -count rounds (default 5), and the verdict is on the paired
ratios. Timed runs of any chapter never overlap, even across
processes: they hold an flock on a file in os.TempDir(). Before each round
a calibration (a CPU spin on one goroutine, then on GOMAXPROCS, about
100ms) measures the machine's capacity, the parallelism it offers with
the CPU other processes took from the spin added back. cores is at most
GOMAXPROCS; it ranges from the capacity rounded down to the capacity
rounded up, each to the nearest integer within 0.25 (an idle two-core
machine measures 1.8 to 2.0: cores is 2).

What is timed is the work: under the interpreter, the execution (after
parsing and type-checking); under the go engine, func main (a program's
main is renamed and called by one of the runner's, which records the
interval; a fragment's statements from the fence on), not the starting and
ending of the process, which take as long as a compiled cell's work.
With -engine=both the expectations are checked under each engine, each
with its own rounds and record, and the report names the engine.

On a shared machine a handful of ratios is noisy (on the two-core VM
this book is checked on, identical runs differ by up to 30%), so a
verdict needs confidence, not just a median on the right side
(package [github.com/concurrency101/book/runner/timing]: Judge,
RatioEstimate). The ratio is the Hodges-Lehmann
estimate of the paired ratios, on their logarithms: the median of the
geometric means of every pair of them, as robust as a median to a few
wild rounds, but more precise; its confidence interval comes from the
Wilcoxon signed-rank test. For every value of cores in the range, the
bound

	holds    when the ratio clears it with 95% confidence
	         (five of five rounds on the right side, say), the load's
	         least favourable correction included (see Load);
	fails    when the ratio misses it with 99% confidence
	         (seven of seven on the wrong side), its most favourable
	         correction included;
	is open  otherwise: another batch of rounds is measured, up to 40
	         rounds.

An expectation is

	ok            when the bound holds for every value of cores in the range;
	FAIL          when it fails for every value, twice (below), or a timed
	              run failed;
	inconclusive  when it holds for some values and fails for others, when
	              a bound that depends on cores meets a single usable core,
	              when the load may have taken more than half a run in more
	              than half the rounds, when the load could explain the gap
	              over 10 rounds or more (more rounds narrow the confidence,
	              not the load's margin), or when 40 rounds left it open.
	              Inconclusive is reported and is not a failure, unless
	              -strict is given;
	skipped       when a cell it names failed or did not run, or timing
	              checks are skipped (below).

A FAIL is decided twice before it is reported: after a pause of a second,
the expectation starts again on fresh rounds, and only a fail there too is
reported. Noise no probe sees (another guest of the host) can sink a
stretch of rounds; a program that lost its speedup fails again. The report
says when a first fail was not confirmed.

Timing checks are skipped, and say so, under the race detector (it slows
goroutines unevenly) and with -short (Options.Short; tests pass
testing.Short()).

After the chapter's cells, the report prints where the rounds ran, then
each expectation: the measurement against the bound and the ideal, its
verdict, the reason of any verdict but a plain ok, and how it compares with
the timing record (below):

	timing  chapters/cpu.md: batches of 5 rounds on 2 cpus, GOMAXPROCS 2, parallelism 1.97, linux/amd64, go1.26.8, engine yaegi v0.16.1
	expect  chapters/cpu.md:403 speedup cpu-pool over cpu-sync: 1.93x [1.88, 1.97] over 10 rounds (bound >= 1.60, ideal 2.00; 97% of ideal) ok
	        recorded 1.95x on 2 cpus, GOMAXPROCS 2, ...; today 99% of that

The bracket is the ratio's 90% confidence interval, the load's margin
included (without load, that of the ratios as measured); "cores 1-2" inside
the parentheses gives the range of cores the calibration allows, when it is more
than one value.

With -update, the measurements are stored beside the chapter, in
chapters/cpu.timings.json (timing.Timings: one record per engine, with the
machine: CPUs, measured parallelism, CPU model, OS and architecture, Go and
yaegi versions), and later runs print how today's ratios compare with the
record. The record is information, never a verdict: machines differ. Where
today's verdict is inconclusive or missing, the site shows the recorded ratio,
with its machine and date, as the figure of record beside today's run.

On the site an expect block is a chart, an inline SVG that needs no script
(role img; its aria-label starts with "Speedup", or "Parallelism" for a
block of parallelism lines only, and gives every figure): one row per
compared pair (per cell for parallelism; per engine with -engine=both),
however many lines bound it. Today's ratio is a bar from 1× on a
logarithmic axis, its 90% interval a whisker; the chapter's timing record
for the same line and engine a thinner bar below it; each line's bound a
dashed line coloured by today's verdict; the ideal a diamond. A comparison
of two values one cell reports is drawn as a speedup, the grammar's word.
What a row lacks is said, not drawn: "today: not measured", with the
reasons of undecided or missing verdicts listed under the chart; without a
run, a bound that depends on cores is not drawn. The lines as written, with
today's figures in words, stay in a details element below.

# Load

Other processes slow a timed run down, and not evenly: a cell that uses
every core loses whatever they take, a sequential one often nothing. A
verdict therefore weighs how much load there was. For each run the
runner bounds how long the load can have delayed it, D, so that the run's
time without the load, W0, lies in [W - D, W]:

  - every thread of the process that ran the cell (the worker, or the
    compiled program) reports how long it waited on a run queue,
    runnable but not running, during the work (the second field of
    /proc/self/task/TID/schedstat, in nanoseconds), and /proc/stat the
    machine's steal time meanwhile (the hypervisor running another
    guest while a thread thought it ran). A thread's wait or stolen time
    delays the run by at most that much; waits of threads running side
    by side overlap, so their sum bounds the run's delay from above.
  - The wait also counts the cell's own threads taking turns (more
    runnable goroutines than cores, the runtime's threads), which is the
    cell's doing, not the load's. The CPU time other processes used
    around the run (/proc/stat's busy time less the runner's and the
    cell's, plus a tick) bounds the delay too, and D is the lesser.
  - Unknown (no /proc): D = 0, the run as measured.

The run's time without the load is also at least the CPU time of its
busiest thread, the one that ran longest during the work, F: a thread's
instructions run one after another, and no number of idle cores would
have ended the run before they had. Every thread's CPU time and wait
come from /proc/self/task/TID/schedstat, read before and after the work
(what reading them took outside the work is taken off). The load can
have added to that thread's CPU time only what it did in place of, or
while waiting for, threads the load held up (goroutines it took over
from them, GC assists, spinning), no longer than they were held up
(their wait), and time the hypervisor stole while it or another thread
counted as running. A stolen instant stalls the one thread that was on
that CPU, so the machine's steal bounds all stolen time at once, and the
whole is at most what other processes used, plus a tick: F is the
busiest thread's CPU time less that. A sequential cell does its work on
one goroutine and a pool on its workers, so F is close to the unloaded
time of either however long the other threads waited, as long as the
work stays on a thread. A goroutine that is preempted (every 10ms) may
move to another thread, which splits its work between them; so the
interpreter locks the main goroutine of a speedup's baseline (the cell
after over), whose F a pass needs, to its thread in the timed runs. Only
a baseline's: a locked main costs a cell whose main blocks and wakes,
as each wake needs the locked thread back, and a CPU for it, which a
pool's workers hold (a pool of two fed one job at a time over an
unbuffered channel, twenty jobs, kept 1.80 cores busy with main locked,
1.94 without). Under the go engine nothing is locked (a compiled
program's switches of threads cost a hundred times what its channel
operations do): F is that of whichever thread ran longest.

A run's time without the load W0 thus lies in [max(W - D, F), W]. A ratio
B/A of two runs then lies in [max(B - D_B, F_B)/A, B/max(A - D_A, F_A)], a
parallelism CPU/A in [CPU/A, CPU/max(A - D_A, F_A)] (the CPU time a cell's
work takes does not depend on how long it waited), a ratio of two
durations a cell reports in [(b - D)/a, b/(a - D)], D the delay of the run
that reported them. A pass needs the least favourable end of every round's
range to clear the bound with 95% confidence, a fail the most favourable
end to miss it with 99%: the Hodges-Lehmann estimate and its signed-rank
bounds only grow when a sample grows, so whatever the unloaded ratios are
inside their ranges, their bounds are no better than the ones the verdict
used. Without load the ranges are points and the verdict is the one on
the ratios as measured; a load that could explain the gap (the
measured ratios would decide, their ranges do not) leaves the expectation
inconclusive, and says so. A round in which the load may have taken more
than half of a run (W0 may be under W/2: the run could have been twice as
fast) is left out; light load keeps its round, with its range.

The model is conservative up to what the kernel reports: the wait is
exact (nanoseconds, per thread), steal and the others' CPU time come in
ticks of 10ms (a stolen stretch shorter than a tick can go unseen, and
the statistics absorb it as noise), threads that end during the run are
not counted (the Go runtime keeps its threads), and a load that slows the
cell without taking its CPU (a busy hyper-thread sibling, memory
bandwidth) is not seen: it makes each instruction slower, so it lengthens
the busiest thread's CPU time in F as much as the run, and the range does
not hold its effect. On the two-core VM this book is checked on, the same
compiled pool measured 1.80-2.14x one hour and 1.49-1.78x the next, the
same load running beside it.
TestLoadModelConservative draws runs by these assumptions and checks that
every run's W0 lies in its range and that a verdict on the ranges is the
verdict on the true ratios.

# Running, updating

The command go run ./cmd/run runs chapters and reports like go test: a
line per cell as soon as it is done, ok or FAIL, with its file:line, name
and time; below a failed cell, indented, its output (unless a diff shows
it) and its problems; then the chapter's own problems (a malformed
attribute, an expect line naming no cell) and its summary line, which
counts the cells and, when the chapter has timing expectations, their
verdicts ("; 2 expectations: 1 ok, 1 inconclusive"). For the chapter
runner/testdata/doc/cpu.md, as chapters/cpu.md (TestDocReport checks that
this is what the runner prints):

	ok      chapters/cpu.md:6 cpu-sync (0.61s)
	FAIL    chapters/cpu.md:24 cpu-pool (0.35s)
	        chapters/cpu.md:38: cell cpu-pool: output mismatch
	        --- want
	        +++ got
	        @@ -1,1 +1,1 @@
	        -sum = 3003
	        +sum = 2997
	FAIL    chapters/cpu.md 3 cells: 1 passed, 1 failed, 1 skipped (1.20s)

A fragment that fails unexpectedly (a compile error, a panic, any
failure its fails= does not name) breaks the session, as the first failing
cell stops Jupyter's "run all": the fragments after it are skipped, and
each says so, even without -v ("skip    chapters/x.md:60 L60 (the session
broke at chapters/x.md:50 (cell setup))"), rather than run against state
the broken one did not define. Complete programs still run. A fragment
that fails only by its output, or fails as it says, does not break the
session.

What a cell may import: under the interpreter, the standard library
(yaegi's tables: all of it but unsafe, syscall and cgo) and two packages
beyond it, golang.org/x/sync/errgroup and golang.org/x/sync/semaphore;
importing another is a compile failure. Under the go engine
(engine="go"), also any package of a module the book's go.mod requires,
at the version it selects (golang.org/x/sync v0.25.0, golang.org/x/net,
golang.org/x/text, ...): a cell that needs one says engine="go". No cell
imports a package of the book's own module, so a reader who copies a
program into a directory of its own runs go mod init example, then go mod
tidy (or go get golang.org/x/sync@v0.25.0 for the version the book is
checked with) when it imports golang.org/x/sync; chapters/index.md says
so to readers.

Timing diagrams: a cell marks its tasks as regions of the runtime's
execution tracer, with the standard library alone (defer
trace.StartRegion(ctx, "task 1").End(), or trace.WithRegion, from
runtime/trace; without a trace running a region records nothing). When a
cell imports runtime/trace (a fragment: it or an earlier fragment of the
session) and does not call trace.Start itself, the runner traces its
run: the interpreter's worker with runtime/trace.Start into memory from
the start of the cell to its end; the go engine through $BOOK_TRACE,
which the generated program's hooks trace into around the work (a
fragment's own statements, after the fence, or main). The trace is read
with golang.org/x/exp/trace (runner/internal/tracespans): each region
that began and ended during the trace becomes a span of the cell's
Result (chapter.Region; "spans" in the site's cached reports), its lane
the goroutine ("goroutine 23", the runtime's number), its label the
region's type, its start and end measured from the start of the trace;
regions still open at the end are left out, more than 10000 are dropped.
A cell that starts the tracer itself takes its own trace and has no
spans, and a program that exits with os.Exit leaves no trace. The site
draws the spans under the cell: one row per lane, one bar per span.
Other cells are not traced.

With -v, every cell's output is shown, and a skip line for each cell that
did not run (norun, or not selected by -run). A chapter without Go cells
reports "?       chapters/x.md [no go cells]"; after several chapters a
last line sums up the run: "PASS 3 chapters, 40 cells, 0 failed (12.30s)".
The exit code is 0 when every check passed, 1 when one failed, 2 for a
usage or infrastructure error.

With -update, the output the Go toolchain printed for every cell that
passed, or failed only by a mismatch, is written into its output blocks (a
missing block is created after the cell), when the interpreter agrees (see
Engines); nothing else in the file changes, byte for byte, but the
engine="go" -update adds to a cell the engines disagree on. The file
is replaced atomically (a temporary file in the same directory, then
rename), and output that is not valid UTF-8 text is never written. Before
writing, -update parses its result: if a cell would change (but for its
mark), a cell would
not carry its new block, another block would change hands, or any text
outside the output blocks would differ (Markdown containers make this
possible), nothing is written and the chapter's line says why. Above the
chapter's summary line, -update names what it wrote: each output block it
created or filled ("wrote chapters/x.md:57 output of cell y (new)") or
changed ("refreshed chapters/x.md:80 output of cell z"), at its line in the
new file, and the timing record it created or replaced (see Timing
expectations); -json carries these lines in the chapter's Output. With -v,
a cell that failed as expected shows the failure its fails= was checked
against.

# Execution

Each chapter runs in a worker process: the runner starts its own
executable again (programs that use the runner call [MaybeWorker] first), in
a scratch working directory that is removed afterwards, with an empty
standard input. What a cell writes to file descriptors 1 and 2 is its
output (fmt, os.Stdout, log, goroutines it started, all alike), kept per
cell between fences, at most 1 MiB per stream (the rest is dropped with a
notice, and a cell with golden output then fails).

A cell that panics (in any goroutine), calls os.Exit or log.Fatal, exceeds
the worker's memory limit (2 GiB) or its timeout fails with that reason
(panic, exit, memory, timeout; crash when the worker died without a
readable reason) and the output it printed so far. The worker is then
replaced, and the session is rebuilt by running the fragments that
succeeded again, their output discarded. At a timeout the worker reports
where the cell's goroutines were ("timeout after 2s; goroutines: 3 in
select") and exits: a running interpreter is never asked to stop, since
its cancellation races with the code it runs, and interpreted goroutines
could go on anyway. A program whose goroutines outlive main also costs its
worker, as the end of main ends them in Go; so does a program that leaves
a file, listener, connection or pipe open (the worker compares its
/proc/self/fd before and after the program; the runtime's own network
poller descriptors do not count): the worker's end releases them, as a
process exit does, so that the next program can listen on the same
port. Output that goroutines of
earlier fragments write between cells is dropped; what they write while a
later cell runs is that cell's. GOMAXPROCS, the environment and the working
directory are restored after every cell.

Times are measured around the execution only (after parsing and
type-checking): wall-clock and CPU time of the worker process, and the
run-queue wait of its threads (see Load).

# Engines

Two engines run cells, and -engine (Options.Engine) says how they share
the work:

	auto   the default (cmd/run, cmd/site, Options' zero value): each
	       cell runs under the interpreter when it can run it faithfully,
	       else under the Go toolchain, transparently (below).
	yaegi  the interpreter alone, in worker processes (see Execution).
	       A chapter's cells start in milliseconds and its fragments
	       share one session. Before a cell runs, package rewrite gives
	       it the semantics of Go 1.22 and later (per-iteration loop
	       variables, range over int, deferred arguments read at the
	       defer, ...); what it cannot give is refused at the cell's line
	       with the construct named and engine="go" suggested (a compile
	       failure), and so is an import the interpreter does not provide
	       ("import "os/exec": the interpreter does not provide this
	       package; add engine="go" to the cell"). For whoever wants to
	       see exactly what the interpreter can do.
	go     the Go toolchain alone: each cell is built with go build, in a
	       temporary module that requires this repository, and runs as a
	       process of its own. A fragment runs as one program that holds
	       the session so far: the imports and declarations of the
	       fragments that succeeded (those a later fragment replaced
	       under names of their own, see Complete programs and
	       fragments), their statements in func main, a
	       fence, then its own statements; what comes before the fence is
	       discarded, and the cell's time and spans are its own
	       statements'. //line directives keep compile errors, panics and
	       goroutine dumps at the chapter's lines. At a timeout the program
	       gets SIGQUIT, and the report says at which lines of the chapter
	       its goroutines were; the memory limit is its data segment limit.
	both   as auto, and every cell the interpreter runs runs under the
	       toolchain too, to compare (below); what go test ./... uses for
	       every chapter.

A cell with engine="go" runs under the toolchain whatever -engine says. A
cell with race is built with -race, and so runs under go: a race the
detector reports fails it with the kind race, naming both accesses at the
chapter's lines ("race: data race: read at chapters/x.md:14, previous
write at chapters/x.md:14"); fails="race" expects one.

Under auto (and both) a cell runs under the toolchain, routed there, when

	it says engine="go" or race;
	the interpreter refuses it: the rewrite cannot give a construct Go's
	semantics, or it imports a package the interpreter does not provide;
	the interpreter does not compile it and the toolchain does (a cell
	neither builds fails with the toolchain's compile error, reported
	once, at the chapter's line);
	it is a fragment after one the toolchain ran: that fragment is part
	of the session now, so the chapter's later fragments run under the
	toolchain too, in the session it assembles (the fragments the
	interpreter ran included), and the notebook's semantics hold.

A routed cell is no failure: its report line says it ran under go and why,
after its time, and so do -json (Engine "go", Routed) and the site's cell
header:

	ok      chapters/x.md:12 spawn (0.31s, go: import "os/exec": not in the interpreter)
	ok      chapters/x.md:30 iterate (0.29s, go: range over func: iterators need Go 1.23)
	ok      chapters/x.md:41 total (0.27s, go: after the fragment at line 30, which ran under go)
	ok      chapters/x.md:50 race (1.20s, go: race)

The toolchain is needed only for what is routed: a chapter whose cells
the interpreter all runs runs without it. When the go command cannot
build (it is not on $PATH, its GOROOT is broken, its build cache cannot be
written), the cells that need it fail unrun and the chapter says why,
once; -engine=go and -engine=both stop with that error before anything
runs (exit 2); -engine=yaegi works.

Under both, a cell whose two runs disagree fails ("engines disagree"): on
how each ended (the kind) and, unless both timed out or the cell is
unchecked, on each stream, by the comparison rules of output blocks, and a cell's fails= is
checked against both runs. The result reported is the interpreter's, with the toolchain's in
Result.Other.

The toolchain is the oracle: output the interpreter prints and go run
would not is a bug, and -update writes only what the toolchain printed.
-update runs every cell as both does, whatever -engine says
(-update -engine=yaegi is refused, exit 2; so is -update when the go
command cannot build, before anything is written), and writes a cell's
output block from the toolchain's run when the interpreter agrees, or when
the toolchain ran the cell alone. When they disagree, -update marks the
cell engine="go" in its info string, the one change outside output blocks
it makes (appended to a bare info string, before the closing brace of an
attribute list {.go ...}), writes the toolchain's output, and reports the
cell with the toolchain's result and the two outputs as a diff at the
cell's line; the cell runs under the toolchain from then on:

	ok      chapters/x.md:3 order (0.00s, go: marked engine="go")
	        chapters/x.md:3: cell order: marked engine="go": the interpreter disagrees with the toolchain, whose output is written
	        stdout differs
	        --- yaegi
	        +++ go
	        @@ -1,1 +1,1 @@
	        -[1 1 3]
	        +[2 1 3]

With -update -nomark the disagreement is reported as under both, and the
cell is neither marked nor written. Timed runs (Timing expectations) run
each cell under the engine that ran it, and the timing record is that
engine's.

# Cached results

With Options.Cache (package [github.com/concurrency101/book/runner/cellcache];
cmd/site uses it, in .cache/site/results, for a build and for -serve), a
cell whose inputs did not change since a run in which it passed is not
run: its stored result is verified against the chapter as it stands
(golden outputs, fails=) as a fresh one would be, so that editing an
output block is checked without running anything. A cell's key holds its
code and info string, for a fragment also the code and info strings of
the chapter's earlier fragments (its session), the chapter's path, the
engine, and the tools: the Go version the runner was built with, the go
command's, the interpreter's, the report format and the SHA-256 of the
running executable (the runner's own build, with every module it links).
Not the cell's line: prose written above a cell keeps it cached, unless
its result quotes a position in the chapter (a compile error, a race
report), which then runs again. A fragment restored from the cache stays
in the session: the interpreter replays it into the worker before the
next fragment it runs, and the toolchain assembles it into that
fragment's program, so editing fragment k runs k and the later fragments
of the session, and nothing else. Results that failed are not stored: a
failing cell runs every time.

A timing expectation's verdict is kept under the key of its text, the
keys of the cells it times, the chapter's timing record and the machine
(CPU count, GOMAXPROCS, CPU model, OS, architecture, host name); an ok
verdict expires after a day, an inconclusive one after an hour, and a
failed or skipped one is never kept. Expectations checked under two
engines (-engine=both, for cells the interpreter runs) are not cached.
-update uses no cache: it must measure what it writes.

A cache entry that does not decode (a torn or truncated file), holds
another key or format, or names another cell is removed and its result
computed again, never shown. Entries are replaced atomically.

# JSON events

With -json the command prints, instead of the text report, the events of
go test -json, one JSON object per line, in the protocol of test2json (go
doc cmd/test2json; [github.com/concurrency101/book/runner/report.Event]),
so that tools made for go test read it (gotestsum, JUnit converters, CI
dashboards): a chapter is a package, its path the Package; a cell is a
test, its name the Test; the chapter's timing expectations are subtests
of a test named expect, one each, named after their line (expect/L61).
For the chapter of the example report above (cmd/run's TestDocJSON checks
that this is what the command prints, times aside):

	{"Action":"start","Package":"chapters/cpu.md"}
	{"Action":"run","Package":"chapters/cpu.md","Test":"cpu-sync","Line":6,"Kind":"program"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-sync","Output":"=== RUN   cpu-sync\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-sync","Output":"sum = 3003\n","Stream":"stdout"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-sync","Output":"--- PASS: cpu-sync (0.61s)\n"}
	{"Action":"pass","Package":"chapters/cpu.md","Test":"cpu-sync","Elapsed":0.61,"Line":6,"Kind":"program","Engine":"yaegi","CPU":0.6}
	{"Action":"run","Package":"chapters/cpu.md","Test":"cpu-pool","Line":24,"Kind":"program"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"=== RUN   cpu-pool\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"sum = 2997\n","Stream":"stdout"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"    chapters/cpu.md:38: cell cpu-pool: output mismatch\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"        --- want\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"        +++ got\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"        @@ -1,1 +1,1 @@\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"        -sum = 3003\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"        +sum = 2997\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-pool","Output":"--- FAIL: cpu-pool (0.35s)\n"}
	{"Action":"fail","Package":"chapters/cpu.md","Test":"cpu-pool","Elapsed":0.35,"Line":24,"Kind":"program","Engine":"yaegi","CPU":0.34,"Problems":["chapters/cpu.md:38: cell cpu-pool: output mismatch\n--- want\n+++ got\n@@ -1,1 +1,1 @@\n-sum = 3003\n+sum = 2997\n"]}
	{"Action":"run","Package":"chapters/cpu.md","Test":"cpu-note","Line":42,"Kind":"program"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-note","Output":"=== RUN   cpu-note\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-note","Output":"    chapters/cpu.md:42: norun\n"}
	{"Action":"output","Package":"chapters/cpu.md","Test":"cpu-note","Output":"--- SKIP: cpu-note (0.00s)\n"}
	{"Action":"skip","Package":"chapters/cpu.md","Test":"cpu-note","Elapsed":0,"Line":42,"Kind":"program","Error":"norun"}
	{"Action":"output","Package":"chapters/cpu.md","Output":"FAIL\n"}
	{"Action":"output","Package":"chapters/cpu.md","Output":"FAIL\tchapters/cpu.md\t1.203s\n"}
	{"Action":"fail","Package":"chapters/cpu.md","Elapsed":1.203,"Engine":"auto"}

Every event also has its Time, first, as go test's. A test's events are run, then output:
"=== RUN   name", the lines the cell wrote (its standard output, then its
standard error: the two are captured apart, so their interleaving is
lost; Stream says which), the reason of a skip or the problems of a
failure, indented as go test indents a t.Error, and "--- PASS: name
(0.61s)", "--- FAIL: ..." or "--- SKIP: ..."; then its result, pass,
fail or skip, with Elapsed in seconds (0 included). Output is one line
with its newline (a last line without one gets one; a line longer than
4096 bytes comes in pieces, and invalid UTF-8 becomes U+FFFD, as with
test2json). An expectation is pass when ok, fail when FAIL, skip when
skipped or inconclusive (not decided, not a failure; -strict makes it a
fail); its output is the line the text report prints for it, and expect
fails when one of its subtests does. A chapter ends as a package: its own
problems and what stopped it as output, then "PASS" or "FAIL" and go
test's line ("ok  \tchapters/cpu.md\t1.203s"), then pass or fail with
Elapsed; a chapter without Go cells prints "?   \tchapters/x.md\t[no go
cells]" and is skipped. Where expectations were timed, the text report's
"timing" line is an output of the chapter.

The book's fields ride along, ignored by those tools: on a cell's run and
result Line (the fence's) and Kind ("program", "test", "fragment" or "file"); on its
result Engine, CPU (seconds), Error (how the run failed), FailKind and
Problems (why the check failed, diffs included); on an expectation's run
and result Line and Kind "expect" (the test expect has Kind
"expectations"); on its result Expect (the line as written), Verdict
("pass", "fail", "inconclusive" or "skip"), Reason, Ratio, Interval (its
90% bounds, [low, high]), Samples and Load (per round), Op, Bound, Ideal,
Cores, CoresRange, Recorded, RecordedOn (see timing.ExpectResult) and
Machine (where the rounds ran, absent when nothing was timed); on a
chapter's result Engine and, when it failed by its own problems, Problems.

A cell named expect, or with a slash in its name, reads to these tools as
the expectations' test or as a subtest.

# The notebook

The site's preview server (go run ./cmd/site -serve) lets a reader edit
a cell in the page and run it (package site documents the page and its
HTTP contract). A Kernel is a chapter's live session for it: Run runs one
cell with the edited code in place of the chapter's, as RunChapter runs
that cell (the rewrite, the routing under the engine the site was given,
the cell's timeout, the memory and output caps), and tells its events as
the run goes, in the JSON event schema above: run, the output in chunks as
the cell writes them (Options.Output taps the capture: a chunk is one
write, not a line), then its problems, go test's last line and the result,
verified against the chapter's golden output, with the notebook's fields
Spans and Stale. A fragment runs in the kernel's session: the first time,
the chapter's earlier fragments that have not run in it are replayed,
once, their output discarded. Ending the run's context kills the process
that runs the cell at once (the interpreter's worker, the toolchain's
program; kind interrupted), and the next run rebuilds the session, as
after a timeout; Restart discards the session. When an edited fragment
changes what a name is (a func, type, var or const it declares, a
variable it assigns at top level, read with go/parser), the later
fragments whose code uses the name are stale (Stale), and in turn those
that use what a stale one declares.

# Continuous integration

-junit FILE also writes a JUnit XML report, made from the events above
(report.JUnit): a testsuite per chapter, a testcase per cell and per
expectation, classname the chapter and name the test, with file and line
attributes (the fence's line, the expectation's), its time, and a failure
or skipped element whose message is the first line of the first problem
(or the reason) and whose text is the test's output; a chapter's own
problems make a testcase named (chapter). -summary FILE appends a
Markdown summary (report.Summary), for GitHub's $GITHUB_STEP_SUMMARY: a
table of the chapters (result, cells passed, failed and skipped,
expectations, time), the failed cells with their first problem, the
timing expectations with ratio, interval, bound, ideal and verdict, and
every cell in a collapsed table. Both are written at the end of the run,
also after an interruption.

With -github, which cmd/run sets when the environment has
GITHUB_ACTIONS=true (in a GitHub Actions job; -github=false turns it
off), the report also gives workflow commands, so that failures show on
the pull request's diff at the chapter's line: a failed cell
"::error file=chapters/cpu.md,line=38,title=cell cpu-pool::" and its
problems (at the line the first problem names, else the fence's), a
failed expectation an ::error at its line, an inconclusive one a
::warning, a chapter's own problem an ::error (GitHub shows at most ten
of each per step on the diff; the log has all). Their data are escaped as
GitHub's toolkit escapes them (% as %25, CR as %0D, LF as %0A, and in the
file and title also : as %3A and , as %2C). Nothing a cell prints may
give a command: the text report is written between
"::stop-commands::TOKEN" and "::TOKEN::" (TOKEN random for each run),
which the printer leaves only to give its own commands, and its last line
resumes them. With -json the events stay on standard output, where every
line is a JSON object, and the commands go to standard error; a tool that
prints the events' output again (gotestsum) prints it unfenced, so a
workflow reads the text report.
*/
package runner
