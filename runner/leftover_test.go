package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runChapterText writes src as a chapter and runs it; under -short with
// the interpreter alone, otherwise with both engines, so that the goldens
// of the chapter are also what the toolchain prints.
func runChapterText(t *testing.T, src string) *report.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chapter.md")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	engine := "both"
	if testing.Short() {
		engine = "yaegi"
	}
	var out bytes.Buffer
	rep, err := RunChapter(context.Background(), path, &Options{Progress: printProgress(&report.Printer{W: &out, Verbose: true}), Engine: engine})
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "%s%s", out.String(), strings.Join(rep.Errors, "\n"))
	return rep
}

// TestPrintBuiltins: print and println write to standard error with the
// runtime's formatting, in a session's fragments (a statement, a loop, a
// function declared in one cell and called in another) and in a program.
func TestPrintBuiltins(t *testing.T) {
	src := "```go\nx := 2.5\nprintln(\"x is\", x, x > 2)\n```\n\n```{.output .stderr}\nx is 2.5 true\n```\n\n" +
		"```go\nfor i := range 2 {\n\tprint(i, \"-\")\n}\nprintln()\n```\n\n```{.output .stderr}\n0-1-\n```\n\n" +
		"```go\nfunc show(e error) { println(\"err:\", e == nil, e) }\n```\n\n" +
		"```go\nshow(nil)\n```\n\n```{.output .stderr}\nerr: true (0x0,0x0)\n```\n\n" +
		"```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"out\")\n\tprintln(float32(0.1), 1e21, 'a')\n}\n```\n\n" +
		"```output\nout\n```\n\n```{.output .stderr}\n0.1 1e+21 97\n```\n"
	rep := runChapterText(t, src)
	require.Len(t, rep.Results, 5)
}

// runPrograms runs complete programs, one cell each, in one interpreter
// engine, and returns it (closed at the end of the test) for its counts.
func runPrograms(t *testing.T, progs ...string) *interpEngine {
	t.Helper()
	var src strings.Builder
	for _, p := range progs {
		src.WriteString("```go\npackage main\n\n" + p + "\n```\n\n")
	}
	ch, err := chapter.Parse("leftover.md", []byte(src.String()))
	require.NoError(t, err)
	e, err := newInterpEngine(ch, &Options{})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	for _, c := range ch.Cells {
		res, err := e.Run(context.Background(), c)
		require.NoError(t, err)
		require.Empty(t, res.FailKind, "cell %s: %s\nstderr: %s", c.Name, res.Error, res.Stderr)
	}
	return e
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// TestProgramListenerReleased: a program that listens and returns without
// closing does not keep the port from the next program, as under go run.
func TestProgramListenerReleased(t *testing.T) {
	// The listener stays reachable (a package variable), so no finalizer
	// can close it before the runner looks: only the worker's replacement
	// frees the port.
	listen := "import \"net\"\n\nvar keep net.Listener\n\nfunc main() {\n\tl, err := net.Listen(\"tcp\", \"127.0.0.1:" + freePort(t) + "\")\n" +
		"\tif err != nil {\n\t\tpanic(err)\n\t}\n\tkeep = l\n}"
	e := runPrograms(t, listen, listen)
	assert.Equal(t, 2, e.starts, "the worker that held the listener was replaced")
}

// TestProgramConnectionReleased: a connection a program leaves open is
// closed when the program ends: the peer reads EOF.
func TestProgramConnectionReleased(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c
		}
	}()
	runPrograms(t, "import \"net\"\n\nfunc main() {\n\tc, err := net.Dial(\"tcp\", \""+l.Addr().String()+"\")\n"+
		"\tif err != nil {\n\t\tpanic(err)\n\t}\n\tc.Write([]byte(\"hi\"))\n}")
	c := <-accepted
	defer c.Close()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	data, err := io.ReadAll(c)
	require.NoError(t, err, "the program's connection must be closed when it ends")
	assert.Equal(t, "hi", string(data))
}

// TestProgramFileReleased: a file a program opened and did not close is
// closed when it ends (the reader of a FIFO sees EOF once its writer is
// gone), and a program that closes its files keeps its worker.
func TestProgramFileReleased(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	defer r.Close()
	open := "import \"os\"\n\nfunc main() {\n\tf, err := os.OpenFile(%q, os.O_WRONLY|os.O_CREATE, 0o600)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\tf.WriteString(\"hi\")%s\n}"
	e := runPrograms(t,
		fmt.Sprintf(open, filepath.Join(dir, "closed.txt"), "\n\tf.Close()"),
		fmt.Sprintf(open, filepath.Join(dir, "closed.txt"), "\n\tf.Close()"),
		fmt.Sprintf(open, fifo, ""))
	assert.Equal(t, 1, e.starts, "programs that closed their files share a worker")
	require.NoError(t, r.SetReadDeadline(time.Now().Add(5*time.Second)))
	data, err := io.ReadAll(r)
	require.NoError(t, err, "the program's file must be closed when it ends")
	assert.Equal(t, "hi", string(data))
}

// TestPanicNativeError: a program that panics with an error value made by
// the standard library fails with that error's text (the interpreter hands
// it over wrapped in a reflect.Value, which printed "<error Value>").
func TestPanicNativeError(t *testing.T) {
	runChapterText(t, "```{.go fails=\"panic: listen tcp: lookup tcp/bad: unknown port\"}\npackage main\n\nimport \"net\"\n\n"+
		"func main() {\n\t_, err := net.Listen(\"tcp\", \"127.0.0.1:bad\")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n}\n```\n")
}

// TestNilBodyWithoutIO: http.NewRequest with an untyped nil body, in a
// program that does not import io, runs (the interpreter crashed on it
// when io was not loaded).
func TestNilBodyWithoutIO(t *testing.T) {
	runChapterText(t, "```go\npackage main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() {\n"+
		"\treq, err := http.NewRequest(\"GET\", \"http://example.com/p\", nil)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n"+
		"\tfmt.Println(req.Method, req.URL.Path, req.Body == nil)\n}\n```\n\n```output\nGET /p true\n```\n")
}
