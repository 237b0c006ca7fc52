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
	fails="KIND"       the cell is expected to fail, and the failure is what is
	fails="KIND: msg"  checked. KIND is one of compile, panic, exit, timeout,
	                   race. With ": msg", the failure's message must start with
	                   msg (for example fails="panic: boom",
	                   fails="exit: exit status 3").
	engine="go"        the cell needs the Go toolchain (for what the
	                   interpreter cannot do); see Engines.
	race               build the cell with the race detector; implies
	                   engine="go".
	linenums="1"       display attributes of MkDocs-Material; accepted and
	hl_lines="2 3"     passed to the site, ignored by the runner.

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
examples do.

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

A cell fails when it does not compile, panics (in main or in any goroutine
it started), calls os.Exit with a non-zero status, exceeds its timeout, or
when its output differs from the golden output. A cell with fails="KIND"
passes exactly when it fails that way. Output captured up to a failure is
kept and reported.

# Running, updating

The command go run ./cmd/run runs chapters and reports like go test:

	ok   chapters/cpu.md:42 cpu-sync (0.61s)
	--- FAIL chapters/cpu.md:88 cpu-pool (0.35s)
	    chapters/cpu.md:88: cell cpu-pool: output mismatch
	    [unified diff of want and got]
	FAIL chapters/cpu.md 3 cells, 1 failed (1.20s)

With -update, the captured output of every cell that passed, or failed only by
a mismatch, is written into its output blocks (a missing block is created
after the cell); nothing else in the file changes, byte for byte. The file
is replaced atomically (a temporary file in the same directory, then
rename), and output that is not valid UTF-8 text is never written.
*/
package runner
