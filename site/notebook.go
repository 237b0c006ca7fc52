package site

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
)

// The notebook of the preview server: the contract is in the package
// documentation (doc.go). Its script and style are served from here, not
// written into the site: the static build has no run controls.
//
//go:embed notebook
var notebookAssets embed.FS

// A Kernel runs edited cells of one chapter in its live session:
// runner.Kernel, which cmd/site passes in (this package does not import
// the runner). Run tells emit of the run's events as it goes; its error is
// for a run that could not start, before any event.
type Kernel interface {
	Run(ctx context.Context, cell, code string, emit func(report.Event)) error
	Restart()
	Close()
}

// NewKernel, when set (cmd/site sets it), makes the kernel of the chapter
// at path for the named engine: with it, -serve gives every cell of a
// page run controls.
var NewKernel func(path, engine string) Kernel

// maxRunBody bounds the body of /__run, /__stop and /__restart.
const maxRunBody = 1 << 20

// A Notebook serves the pages of Pages with run controls, and the
// /__run, /__stop and /__restart endpoints that run their cells in the
// chapters' kernels. It obeys only its own pages: see the package
// documentation.
type Notebook struct {
	Pages     http.Handler
	Docs      string                      // the docs_dir: a request's chapter is a path in it
	NewKernel func(path string) Kernel    // the kernel of the chapter at path
	Hosts     []string                    // the Host values the server answers, host:port
	Token     string                      // the page's token: NewToken
	Queue     int                         // runs that may wait per chapter behind the running one; default 2
	Log       io.Writer                   // where refused requests are told; nil: nowhere
	mu        sync.Mutex                  //
	chapters  map[string]*notebookChapter // by chapter path relative to Docs
}

// A notebookChapter is the kernel of a chapter and its runs, the one
// running and those waiting.
type notebookChapter struct {
	kernel Kernel
	slot   chan struct{} // held by the running run
	runs   map[*notebookRun]bool
}

type notebookRun struct {
	cell   string
	cancel context.CancelFunc
}

// NewToken returns a random token for a server's pages.
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// LoopbackHosts returns the Host values of a server listening on addr (as
// net.Listener.Addr gives it): the loopback names with its port, and its
// own host when it listens elsewhere.
func LoopbackHosts(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	hosts := []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() && !ip.IsUnspecified() {
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	return hosts
}

// IsLoopback reports whether the listen address addr (host:port) is on
// the loopback interface only: 127.0.0.0/8, ::1 or localhost.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (n *Notebook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !n.hostOK(r.Host) {
		n.refuse(w, r, http.StatusMisdirectedRequest, "this server answers only to its own address")
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		n.refuse(w, r, http.StatusForbidden, "cross-origin request refused")
		return
	}
	switch r.URL.Path {
	case "/__run", "/__stop", "/__restart":
		n.endpoint(w, r)
	case "/__notebook.js", "/__notebook.css":
		n.asset(w, r)
	default:
		n.page(w, r)
	}
}

func (n *Notebook) hostOK(host string) bool {
	for _, h := range n.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

func (n *Notebook) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if n.Log != nil {
		fmt.Fprintf(n.Log, "site: %s %s from %s (Host %q, Origin %q): %d %s\n", r.Method, r.URL.Path, r.RemoteAddr, r.Host, r.Header.Get("Origin"), code, msg)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// A runRequest is the body of /__run, /__stop and /__restart.
type runRequest struct {
	Chapter string  `json:"chapter"`
	Cell    string  `json:"cell"`
	Code    *string `json:"code"`
}

// endpoint checks a request to /__run, /__stop or /__restart and does it.
func (n *Notebook) endpoint(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		n.refuse(w, r, http.StatusMethodNotAllowed, "only POST")
		return
	}
	if tok := r.Header.Get("X-Book-Token"); n.Token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(n.Token)) != 1 {
		n.refuse(w, r, http.StatusForbidden, "missing or wrong X-Book-Token")
		return
	}
	if r.ContentLength > maxRunBody {
		n.refuse(w, r, http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRunBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		n.refuse(w, r, http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return
	case err != nil:
		n.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	var req runRequest
	if err := json.Unmarshal(body, &req); err != nil {
		n.refuse(w, r, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if _, err := n.chapterFile(req.Chapter); err != nil {
		n.refuse(w, r, http.StatusNotFound, err.Error())
		return
	}
	switch r.URL.Path {
	case "/__run":
		if req.Cell == "" || req.Code == nil {
			n.refuse(w, r, http.StatusBadRequest, "a run needs chapter, cell and code")
			return
		}
		n.run(w, r, req)
	case "/__stop":
		n.stop(req.Chapter, req.Cell)
		w.WriteHeader(http.StatusNoContent)
	case "/__restart":
		n.restart(req.Chapter)
		w.WriteHeader(http.StatusNoContent)
	}
}

// chapterFile returns the file of a chapter named by its path in the docs
// directory, or why it is not one.
func (n *Notebook) chapterFile(name string) (string, error) {
	if !fs.ValidPath(name) || !strings.HasSuffix(name, ".md") || strings.Contains(name, "\\") {
		return "", fmt.Errorf("no chapter %q", name)
	}
	file := filepath.Join(n.Docs, filepath.FromSlash(name))
	if fi, err := os.Stat(file); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("no chapter %q", name)
	}
	return file, nil
}

// chapter returns the state of a chapter, its kernel made on first use.
func (n *Notebook) chapter(name string) *notebookChapter {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.chapters == nil {
		n.chapters = map[string]*notebookChapter{}
	}
	c := n.chapters[name]
	if c == nil {
		file, _ := n.chapterFile(name)
		c = &notebookChapter{kernel: n.NewKernel(file), slot: make(chan struct{}, 1), runs: map[*notebookRun]bool{}}
		n.chapters[name] = c
	}
	return c
}

// run runs a cell: one run at a time per chapter, up to Queue waiting,
// 429 beyond. The run ends when it is done, stopped, or the page's
// request ends (the page closed).
func (n *Notebook) run(w http.ResponseWriter, r *http.Request, req runRequest) {
	ch := n.chapter(req.Chapter)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	run := &notebookRun{cell: req.Cell, cancel: cancel}
	queue := n.Queue
	if queue <= 0 {
		queue = 2
	}
	n.mu.Lock()
	if len(ch.runs) >= 1+queue {
		n.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		n.refuse(w, r, http.StatusTooManyRequests, "this chapter's queue of runs is full")
		return
	}
	ch.runs[run] = true
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(ch.runs, run)
		n.mu.Unlock()
	}()
	select {
	case ch.slot <- struct{}{}:
		defer func() { <-ch.slot }()
	case <-ctx.Done():
		w.WriteHeader(http.StatusNoContent) // stopped while it waited
		return
	}
	out := &ndjson{w: w}
	err := ch.kernel.Run(ctx, req.Cell, *req.Code, out.write)
	switch {
	case err != nil && !out.started:
		code := http.StatusBadRequest
		if ctx.Err() != nil {
			code = http.StatusNoContent
		}
		n.refuse(w, r, code, err.Error())
	case err != nil:
		out.write(report.Event{Action: report.ActionOutput, Output: err.Error() + "\n"})
	}
}

// stop ends the runs of a cell of a chapter, running or waiting (of every
// cell when cell is "").
func (n *Notebook) stop(chapter, cell string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c := n.chapters[chapter]; c != nil {
		for run := range c.runs {
			if cell == "" || run.cell == cell {
				run.cancel()
			}
		}
	}
}

// restart stops the chapter's runs and discards its session.
func (n *Notebook) restart(chapter string) {
	n.stop(chapter, "")
	n.mu.Lock()
	c := n.chapters[chapter]
	n.mu.Unlock()
	if c != nil {
		c.kernel.Restart()
	}
}

// Close stops every kernel.
func (n *Notebook) Close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range n.chapters {
		for run := range c.runs {
			run.cancel()
		}
		c.kernel.Close()
	}
	n.chapters = nil
}

// ndjson writes events, one JSON object a line, flushing each.
type ndjson struct {
	w       http.ResponseWriter
	started bool
}

// notebookEvent is an event of /__run: the runner's, and on a result
// with spans, its timing diagram as the page shows it (SVG).
type notebookEvent struct {
	report.Event
	Diagram string `json:"Diagram,omitempty"`
}

func (o *ndjson) write(e report.Event) {
	if !o.started {
		o.started = true
		h := o.w.Header()
		h.Set("Content-Type", "application/x-ndjson")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		o.w.WriteHeader(http.StatusOK)
	}
	ev := notebookEvent{Event: e}
	if len(e.Spans) > 0 {
		ev.Diagram = timelineSVG(e.Spans)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	o.w.Write(append(b, '\n'))
	if f, ok := o.w.(http.Flusher); ok {
		f.Flush()
	}
}

// asset serves the notebook's script and style, which only served pages
// load: the static build does not have them.
func (n *Notebook) asset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		n.refuse(w, r, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/__")
	b, err := notebookAssets.ReadFile("notebook/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ctype := "text/javascript; charset=utf-8"
	if strings.HasSuffix(name, ".css") {
		ctype = "text/css; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// page serves a page of the site; a chapter's page gets the token, the
// chapter's path, its cells' names in order, and the notebook's script.
func (n *Notebook) page(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if r.Method != http.MethodGet || !(name == "" || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".html")) {
		n.Pages.ServeHTTP(w, r)
		return
	}
	chap, cells := n.pageChapter(name)
	if chap == "" {
		n.Pages.ServeHTTP(w, r)
		return
	}
	r2 := r.Clone(r.Context())
	r2.Header.Del("Range")
	r2.Header.Del("If-Modified-Since")
	r2.Header.Del("If-None-Match")
	rec := &pageRecorder{header: http.Header{}, code: http.StatusOK}
	n.Pages.ServeHTTP(rec, r2)
	body := rec.body.Bytes()
	if rec.code == http.StatusOK && strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		body = n.inject(body, chap, cells)
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Del("Last-Modified")
	w.WriteHeader(rec.code)
	w.Write(body)
}

// inject puts the notebook's head elements before </head>.
func (n *Notebook) inject(page []byte, chap string, cells []pageCell) []byte {
	names, _ := json.Marshal(cells)
	head := fmt.Sprintf(`<meta name="book-run-token" content="%s">
<meta name="book-chapter" content="%s">
<meta name="book-cells" content="%s">
<link rel="stylesheet" href="/__notebook.css">
<script defer src="/__notebook.js"></script>
`, html.EscapeString(n.Token), html.EscapeString(chap), html.EscapeString(string(names)))
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return page
	}
	return append(append(append([]byte(nil), page[:i]...), head...), page[i:]...)
}

// pageChapter finds the chapter a page was built from, and the names of
// its cells in order ("" when it has no Go cell): docs/x.md is x.html, or
// x/ with use_directory_urls; index.md and README.md are their
// directory's index.
func (n *Notebook) pageChapter(name string) (string, []pageCell) {
	base := strings.TrimSuffix(name, ".html")
	if base == "index" || strings.HasSuffix(base, "/index") {
		base = strings.TrimSuffix(base, "index")
	}
	base = strings.TrimSuffix(base, "/")
	var cands []string
	if base != "" {
		cands = append(cands, base+".md")
	}
	for _, idx := range []string{"index.md", "README.md"} {
		cands = append(cands, path.Join(base, idx))
	}
	for _, cand := range cands {
		file, err := n.chapterFile(cand)
		if err != nil {
			continue
		}
		ch, _ := chapter.ReadFile(file)
		if ch == nil || len(ch.Cells) == 0 {
			return "", nil
		}
		var cells []pageCell
		for _, c := range ch.Cells {
			cells = append(cells, pageCell{Name: c.Name, Run: !c.NoRun && c.Invalid == nil, Fragment: !c.Program})
		}
		return cand, cells
	}
	return "", nil
}

// A pageCell is what the page's script knows of a cell, in the order of
// the page's cells: its name, whether it may run, whether it is a
// fragment.
type pageCell struct {
	Name     string `json:"name"`
	Run      bool   `json:"run"`
	Fragment bool   `json:"fragment"`
}

// pageRecorder keeps a page's response to edit it.
type pageRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header         { return p.header }
func (p *pageRecorder) WriteHeader(code int)        { p.code = code }
func (p *pageRecorder) Write(b []byte) (int, error) { return p.body.Write(b) }

// checkAddr refuses an -addr that is not loopback, unless -allow-remote
// says so, and then warns.
func (c *command) checkAddr() error {
	if IsLoopback(c.addr) {
		return nil
	}
	if !c.allowRemote {
		return fmt.Errorf("-addr %s is not a loopback address: the server runs the code its pages send; use 127.0.0.1 or localhost, or -allow-remote to serve it elsewhere", c.addr)
	}
	fmt.Fprintf(c.stderr, "site: warning: -allow-remote: serving on %s, not loopback only: anyone who can reach it and read a page can run code as this user\n", c.addr)
	return nil
}

// notebook wraps the server's pages in the notebook, when cmd/site gave
// NewKernel; the function it returns stops the kernels.
func (c *command) notebook(srv *Server, addr string) (http.Handler, func()) {
	if NewKernel == nil {
		return srv, func() {}
	}
	hosts := LoopbackHosts(addr)
	host, _, _ := net.SplitHostPort(c.addr)
	if _, port, err := net.SplitHostPort(addr); err == nil && host != "" && net.ParseIP(host) == nil {
		hosts = append(hosts, net.JoinHostPort(host, port)) // -addr named its host
	}
	engine := c.engine
	nb := &Notebook{Pages: srv, Docs: c.docs, Hosts: hosts, Token: NewToken(), Log: c.stderr,
		NewKernel: func(path string) Kernel { return NewKernel(path, engine) }}
	return nb, nb.Close
}
