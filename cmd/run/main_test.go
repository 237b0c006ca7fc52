package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCommand builds the command and checks its exit codes, its
// diagnostics and that Ctrl-C leaves no worker and no half-written chapter.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "run")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	run := func(args ...string) (stdout, stderr string, code int) {
		cmd := exec.Command(bin, args...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code = 0
		if x, ok := err.(*exec.ExitError); ok {
			code = x.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return o.String(), e.String(), code
	}

	good := write("good.md", "```go\nimport \"fmt\"\nfmt.Println(\"hi\")\n```\n\n```output\nhi\n```\n")
	o, _, code := run(good)
	assert.Equal(t, 0, code, o)
	assert.Contains(t, o, "ok      "+good+" 1 cells: 1 passed")

	bad := write("bad.md", "```go\nimport \"fmt\"\nfmt.Println(\"hi\"\n```\n")
	o, _, code = run(bad)
	assert.Equal(t, 1, code, o)
	assert.Regexp(t, `bad\.md:3:17: missing`, o, "a syntax error names the chapter's line and column")

	_, e, code := run(filepath.Join(dir, "missing.md"))
	assert.Equal(t, 2, code)
	assert.Contains(t, e, "missing.md: no such file or directory")

	_, e, code = run("-timeout", "nonsense", good)
	assert.Equal(t, 2, code)
	assert.Contains(t, e, "invalid value")

	// Ctrl-C in the middle of an endless cell during -update.
	src := "```go\nfor {}\n```\n\n```go\nimport \"fmt\"\nfmt.Println(1)\n```\n"
	loop := write("loop.md", src)
	cmd := exec.Command(bin, "-update", loop)
	require.NoError(t, cmd.Start())
	time.Sleep(time.Second)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err = cmd.Wait()
	var x *exec.ExitError
	require.ErrorAs(t, err, &x)
	assert.Equal(t, 2, x.ExitCode())
	b, _ := os.ReadFile(loop)
	assert.Equal(t, src, string(b), "the interrupted -update changed the chapter")
	// The worker was in the command's own process group's child group;
	// none may survive it.
	time.Sleep(100 * time.Millisecond)
	out, _ = exec.Command("pgrep", "-f", bin).CombinedOutput()
	assert.Empty(t, string(bytes.TrimSpace(out)), "a worker outlived the command")
}
