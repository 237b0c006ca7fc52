/*
Package runner executes the Go cells of a chapter and verifies what they print.

A chapter is a Markdown file (CommonMark with GitHub extensions and optional
YAML front matter). The runner parses it with goldmark's syntax tree (package
[github.com/concurrency101/book/runner/chapter]); this comment is the
specification of record for the chapter format.

# Cells

A cell is a fenced code block whose info string starts with the language go:

	```go title="cpu_sync.go" timeout="30s"
	package main
	...
	```

Attributes follow the language in the MkDocs-Material form: name="value"
pairs and bare flags, separated by spaces. An unknown attribute, a malformed
value or a repeated attribute is an error at the fence's file:line. Known
attributes:

	name="cpu-sync"    the cell's name, used by -run, expectations and reports;
	                   it must be unique in the chapter. Default: the title
	                   without ".go", else "L<line>" (the fence's line).
	title="cpu.go"     the file name shown above the code (MkDocs-Material).
	timeout="30s"      a time.ParseDuration value; the default is the
	                   runner's -timeout (10s).
	norun              the cell is shown but not executed; it may not have an
	                   output block.
	unchecked          the cell prints what differs between runs or machines
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
	race               build the cell with the race detector; implies
	                   engine="go".
	linenums="1"       display attributes of MkDocs-Material; accepted and
	hl_lines="2 3"     passed to the site, ignored by the runner.

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
examples do. A mismatch whose lines are the same in another order says so
and suggests the flag. -update never adds the flag, and keeps it: to record
an unordered output, write the empty block by hand (```output unordered,
then the closing fence) and run -update, which fills it.

Comparison rules, applied to both the golden and the captured text:

  - CRLF becomes LF, trailing spaces and tabs are removed from every line,
    and leading and trailing blank lines are ignored;
  - volatile values are masked: a duration as time.Duration prints it
    (1.5s, 250ms, 3µs, 1m2.5s, 1h0m0s), a hexadecimal address of six digits
    or more (0xc000012345) and a goroutine number (goroutine 17) match any
    value of the same kind. A golden 1.2s matches a captured 980ms; it does
    not match 12 or "fast". Timing claims are made by expectations instead.

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
100ms) measures the machine's capacity, and during each run the CPU time
other processes use is read from /proc/stat. Rounds during which other
processes (or the hypervisor, as steal time) kept more than 0.15 cores
busy are left out. cores is at most
GOMAXPROCS; its lowest value is what other processes left free during the
runs, its highest the capacity, each rounded to the nearest integer within
0.25.

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
	         (five of five rounds on the right side, say);
	fails    when the ratio misses it with 99% confidence
	         (seven of seven on the wrong side);
	is open  otherwise: another batch of rounds is measured, up to 40
	         quiet rounds.

An expectation is

	ok            when the bound holds for every value of cores in the range;
	FAIL          when it fails for every value, twice (below), or a timed
	              run failed;
	inconclusive  when it holds for some values and fails for others, when
	              a bound that depends on cores meets a single usable core,
	              when other processes kept more than 0.15 cores busy
	              during more than half the rounds (load on one cell of a
	              pair can make or break the ratio), or when 40 quiet
	              rounds left it open. Inconclusive is reported and is not
	              a failure, unless -strict is given;
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

The bracket is the ratio's 90% confidence interval; "cores 1-2" inside
the parentheses gives the range of cores the load allowed, when it is more
than one value.

With -update, the measurements are stored beside the chapter, in
chapters/cpu.timings.json (timing.Timings: one record per engine, with the
machine: CPUs, measured parallelism, CPU model, OS and architecture, Go and
yaegi versions), and later runs print how today's ratios compare with the
record. The record is information, never a verdict: machines differ.

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
(yaegi's tables: all of it but unsafe, syscall and cgo) and three packages
beyond it, golang.org/x/sync/errgroup, golang.org/x/sync/semaphore and
github.com/concurrency101/book/runner/timeline; importing another is a
compile failure. Under the go engine (engine="go"), also any package of a
module the book's go.mod requires, at the version it selects
(golang.org/x/sync v0.25.0, golang.org/x/net, golang.org/x/text, ...): a
cell that needs one says engine="go". A reader who copies a program into
a directory of its own runs go mod init example, then go mod tidy (or
go get golang.org/x/sync@v0.25.0 for the version the book is checked
with) when it imports golang.org/x/sync, and needs the book's module for
the timeline package; chapters/index.md says so to readers.

With -v, every cell's output is shown, and a skip line for each cell that
did not run (norun, or not selected by -run). A chapter without Go cells
reports "?       chapters/x.md [no go cells]"; after several chapters a
last line sums up the run: "PASS 3 chapters, 40 cells, 0 failed (12.30s)".
The exit code is 0 when every check passed, 1 when one failed, 2 for a
usage or infrastructure error.

With -update, the captured output of every cell that passed, or failed only by
a mismatch, is written into its output blocks (a missing block is created
after the cell); nothing else in the file changes, byte for byte. The file
is replaced atomically (a temporary file in the same directory, then
rename), and output that is not valid UTF-8 text is never written. Before
writing, -update parses its result: if a cell would change, a cell would
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
worker, as the end of main ends them in Go. Output that goroutines of
earlier fragments write between cells is dropped; what they write while a
later cell runs is that cell's. GOMAXPROCS, the environment and the working
directory are restored after every cell.

Times are measured around the execution only (after parsing and
type-checking): wall-clock and CPU time of the worker process.

# Engines

Two engines run cells (-engine, Options.Engine):

	yaegi  the default: the interpreter, in worker processes (see
	       Execution). A chapter's cells start in milliseconds and its
	       fragments share one session. Before a cell runs, package
	       rewrite gives it the semantics of Go 1.22 and later
	       (per-iteration loop variables, range over int, deferred
	       arguments read at the defer, ...); what it cannot give is
	       refused at the cell's line with the construct named and
	       engine="go" suggested (a compile failure).
	go     the Go toolchain: each cell is built with go build, in a
	       temporary module that requires this repository, and runs as a
	       process of its own. A fragment runs as one program that holds
	       the session so far: the imports and declarations of the
	       fragments that succeeded, their statements in func main, a
	       fence, then its own statements; what comes before the fence is
	       discarded, and the cell's time and spans are its own
	       statements'. //line directives keep compile errors, panics and
	       goroutine dumps at the chapter's lines. At a timeout the program
	       gets SIGQUIT, and the report says at which lines of the chapter
	       its goroutines were; the memory limit is its data segment limit.

A cell with engine="go" runs under the go engine whatever -engine says. A
cell with race is built with -race, and so runs under go: a race the
detector reports fails it with the kind race, naming both accesses at the
chapter's lines ("race: data race: read at chapters/x.md:14, previous
write at chapters/x.md:14"); fails="race" expects one.

With -engine=both, what go test ./... uses for every chapter, each cell
runs under the interpreter and then under the toolchain, and a cell whose
two runs disagree fails ("engines disagree"): on how each ended (the kind)
and, unless both timed out or the cell is unchecked, on each stream, by
the comparison rules of output blocks. The toolchain is the oracle: output
the interpreter prints and go run would not is a bug of the chapter, and
-update never writes an output the engines disagree on. A cell's fails= is
checked against both runs. The result reported is the interpreter's, with
the toolchain's in Result.Other.

# JSON events

With -json the command prints one JSON object per line, as go test -json
does (see [github.com/concurrency101/book/runner/report.Event]), and no
text: Action "start" when a chapter begins; for each cell, Action "pass",
"fail" or "skip" with Chapter, Cell, Line, Kind ("program" or
"fragment"), Engine, Elapsed and CPU (seconds), Stdout, Stderr, Error (how
the run failed) and Problems (why the check failed, diffs included); for
each timing expectation, Action "expect" with Chapter, Line, Expect (its
result, as the timing record stores it: status "pass", "fail",
"inconclusive" or "skip", reason, ratio with its 90% bounds low and high,
the samples and the load of each round, bound, ideal, cores, cores_range,
recorded and recorded_on; see timing.ExpectResult) and Machine (where the
rounds ran, absent when nothing was timed); at the end of a chapter,
Action "pass", "fail" or "skip" without Cell, with Elapsed and with Output
holding chapter-level messages.
*/
package runner
