/*
Package site builds the book as a static site (Build, Command) and serves
it for previewing (Server, with live reload), configured by mkdocs.yml.

# The notebook

Served with go run ./cmd/site -serve, a chapter's page is a notebook:
every cell has Edit, Run (also Shift+Enter), Stop and Reset, and the page
Restart session. The code the reader edits stays in the page and in the
browser's localStorage; the chapter file is never written. The static
build (public/) has no run controls: each cell says how to get them. The
server (Notebook) runs a cell in its chapter's kernel (runner.Kernel, see
package runner): exactly as the runner runs it (the rewrite, engine
routing, timeout, memory and output caps; -engine=both runs as auto
there: the page shows one run), fragments in the chapter's live session,
into which the earlier fragments are replayed once.

The contract, which the page's script (notebook/notebook.js) and the
tests use:

	POST /__run      {"chapter": "cpu.md", "cell": "cpu-sync", "code": "..."}
	                 200, Content-Type application/x-ndjson: one JSON
	                 event per line as the run goes, in the -json event
	                 schema of cmd/run (report.Event): the cell's run,
	                 its output in chunks as they are written (Stream
	                 stdout or stderr; a chunk is what a write gave, not
	                 a line), its problems (the diff against the
	                 chapter's golden output), go test's last line, and
	                 the result: Action pass, fail or skip, Elapsed,
	                 Engine, Error, FailKind, Problems, and the notebook's
	                 fields Spans (the timing diagram's spans), Stale (the
	                 later fragments that use a name the run changed,
	                 which the page marks stale, each with a control to
	                 re-run it) and Diagram (the diagram as SVG, drawn as
	                 the built page draws it).
	                 204 when the run was stopped before it started; 400
	                 for a cell the chapter does not have or cannot run
	                 (norun, invalid attributes); 404 for an unknown chapter.
	POST /__stop     {"chapter": "cpu.md", "cell": "cpu-sync"}: 204; the
	                 cell's runs end at once (the process that runs it is
	                 killed; its result says interrupted), waiting ones
	                 too. Closing the page ends its runs the same way.
	POST /__restart  {"chapter": "cpu.md"}: 204; the chapter's runs end
	                 and its session is discarded: the next run of a
	                 fragment replays the earlier ones again.

chapter is the chapter's path in docs_dir. Each served page of a chapter
carries, before </head>:

	<meta name="book-run-token" content="...">   the server's random token
	<meta name="book-chapter" content="cpu.md">
	<meta name="book-cells" content="[{&#34;name&#34;: ...}]">   the cells in page order
	                                              (name, run: may run, fragment)

and loads /__notebook.js and /__notebook.css, which the server holds (they
are not in the static build).

# Security

A local server that runs code obeys only its own pages:

  - it listens on loopback only: -addr with another address is refused
    unless -allow-remote is given, and then the server warns that anyone
    who can reach the address and read a page can run code as this user;
  - every request whose Host header is not the server's own address and
    port (127.0.0.1:PORT, localhost:PORT, [::1]:PORT, or the -addr host
    with -allow-remote) gets 421, so a DNS-rebound name cannot read a page
    and its token;
  - every request with an Origin that is not the server's own
    (http://HOST:PORT) gets 403; no response carries CORS headers, so
    another origin's page (another port of localhost included) cannot
    read a response, nor send X-Book-Token without a preflight that
    fails;
  - /__run, /__stop and /__restart need POST (405 otherwise: no GET runs
    code) and the header X-Book-Token with the page's token (403 without
    it or with another); a body over 1 MiB gets 413;
  - one run at a time per chapter; up to two more wait their turn, and a
    run beyond that gets 429 (Retry-After: 1).

Pages are served while cells run: each request has its own goroutine.
*/
package site
