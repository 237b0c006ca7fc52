package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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
	bin := buildRun(t)
	var out []byte
	var err error

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
	assert.Regexp(t, `bad\.md:3:17: syntax error: unexpected newline`, o, "a syntax error names the chapter's line and column, in the toolchain's words")
	assert.Equal(t, 1, strings.Count(o, "3:17:"), "and is reported once")

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

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the command built for the tests, so that nothing is
// left in the temporary directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// buildRun builds the command once for the package's tests.
func buildRun(t *testing.T) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "run-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "run")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// updateFixture writes a chapter whose -update rewrites every output block
// of a large file, and returns its text before and after.
func updateFixture(t *testing.T, dir string) (path, before, after string) {
	var b, a strings.Builder
	prose := strings.Repeat("Prose that must survive every kill, byte for byte.\n", 20000) // ~1 MB
	b.WriteString("# Kill me\n\n" + prose)
	a.WriteString("# Kill me\n\n" + prose)
	for i := 0; i < 5; i++ {
		cell := fmt.Sprintf("\n```{.go name=\"c%d\"}\nimport \"fmt\"\nfmt.Println(\"new %d\")\n```\n\n", i, i)
		b.WriteString(cell + "```output\nold\n```\n")
		a.WriteString(cell + fmt.Sprintf("```output\nnew %d\n```\n", i))
	}
	path = filepath.Join(dir, "kill.md")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path, b.String(), a.String()
}

// TestUpdateSurvivesSIGKILL kills the command with SIGKILL at random moments
// of -update, BOOK_KILL_TRIALS times (100 by default): the chapter is always
// the old or the new version, never truncated or mixed, and a temporary
// file left by a kill in the instant between naming and renaming is removed
// by the next -update.
func TestUpdateSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	trials := 100
	if s := os.Getenv("BOOK_KILL_TRIALS"); s != "" {
		fmt.Sscan(s, &trials)
	}
	bin := buildRun(t)
	dir := t.TempDir()

	// How long an uninterrupted run takes, and what it writes.
	path, before, after := updateFixture(t, dir)
	t0 := time.Now()
	out, err := exec.Command(bin, "-update", path).CombinedOutput()
	require.NoError(t, err, string(out))
	full := time.Since(t0)
	b, _ := os.ReadFile(path)
	require.Equal(t, after, string(b), "an uninterrupted -update gives the new version")

	var olds, news, named int
	for i := 0; i < trials; i++ {
		require.NoError(t, os.WriteFile(path, []byte(before), 0o644))
		cmd := exec.Command(bin, "-update", path)
		require.NoError(t, cmd.Start())
		// Most kills land late, where the file is written.
		time.Sleep(time.Duration(rand.Float64() * 1.2 * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		switch string(b) {
		case before:
			olds++
		case after:
			news++
		default:
			t.Fatalf("trial %d: the chapter is neither the old nor the new version (%d bytes)", i, len(b))
		}
		// The new file is unnamed until an instant before the rename: a
		// kill in that instant leaves it under a temporary name, which
		// the next -update removes (under the directory lock).
		if i == 0 {
			// What a kill between naming and renaming leaves, made
			// once for sure: the old chapter and the new one under a
			// temporary name. The check below must see it go.
			require.NoError(t, os.WriteFile(path, []byte(before), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, ".kill.md.tmp1"), []byte(after), 0o644))
		}
		if temps := tempFiles(dir); len(temps) > 0 {
			named++
			out, err := exec.Command(bin, "-update", path).CombinedOutput()
			require.NoError(t, err, string(out))
			require.Empty(t, tempFiles(dir), "trial %d: the next -update must remove %v", i, temps)
		}
	}
	t.Logf("%d SIGKILL trials (run takes %v): %d left the old version, %d the new, 0 anything else; %d had a named temporary file (trial 0 on purpose), each removed by the next -update", trials, full.Round(time.Millisecond), olds, news, named)
	// A killed run cannot remove its scratch directory; the next run
	// sweeps it, so that the tests leave nothing behind (whether the
	// chapter it checks is the old or the new version).
	_ = exec.Command(bin, path).Run()
}

func tempFiles(dir string) []string {
	var temps []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			temps = append(temps, e.Name())
		}
	}
	return temps
}

// TestConcurrentUpdates: two -update runs on one chapter at once do not
// interleave their writes; the second either writes the same result or
// refuses because the file changed under it.
func TestConcurrentUpdates(t *testing.T) {
	bin := buildRun(t)
	dir := t.TempDir()
	path, _, after := updateFixture(t, dir)
	var wg sync.WaitGroup
	outs := make([]string, 2)
	codes := make([]int, 2)
	for i := range 2 {
		wg.Go(func() {
			out, err := exec.Command(bin, "-update", path).CombinedOutput()
			outs[i] = string(out)
			if x, ok := err.(*exec.ExitError); ok {
				codes[i] = x.ExitCode()
			}
		})
	}
	wg.Wait()
	b, _ := os.ReadFile(path)
	assert.Equal(t, after, string(b))
	for i := range 2 {
		if codes[i] != 0 {
			assert.Equal(t, 1, codes[i])
			assert.Contains(t, outs[i], "changed while its cells ran: not updated")
		}
	}
}

// TestWithoutGo runs the command on a machine without a go command (PATH
// holds none): -update stops with one error that says so and writes
// nothing, engine auto fails only the cells that need the toolchain and
// says why once, -engine=yaegi works.
func TestWithoutGo(t *testing.T) {
	bin := buildRun(t)
	dir := t.TempDir()
	src := "```go\nimport \"fmt\"\nfmt.Println(\"hi\")\n```\n\n```output\nhi\n```\n"
	plain := filepath.Join(dir, "plain.md")
	require.NoError(t, os.WriteFile(plain, []byte(src), 0o644))
	routed := filepath.Join(dir, "routed.md")
	require.NoError(t, os.WriteFile(routed, []byte(src+"\n```{.go engine=\"go\"}\nfmt.Println(\"go\")\n```\n"), 0o644))
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if x, ok := err.(*exec.ExitError); ok {
			code = x.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return o.String(), e.String(), code
	}
	o, e, code := run("-update", plain)
	assert.Equal(t, 2, code, o+e)
	assert.Regexp(t, `^run: -update writes what the Go toolchain prints, and it cannot run: the go command is not on \$PATH \(.*\) \(nothing was written\)\n$`, e)
	b, _ := os.ReadFile(plain)
	assert.Equal(t, src, string(b))

	o, e, code = run(routed)
	assert.Equal(t, 1, code, o+e)
	assert.Contains(t, o, "ok      "+routed+":1 ")
	assert.Contains(t, o, "cell L10: not run: it needs the Go toolchain (engine=\"go\"), which cannot run here")
	assert.Equal(t, 1, strings.Count(o, "the go command is not on $PATH"), o)

	o, e, code = run("-engine=yaegi", plain)
	assert.Equal(t, 0, code, o+e)
	o, e, code = run(plain)
	assert.Equal(t, 0, code, "engine auto needs no toolchain when nothing is routed\n"+o+e)
}
