package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scratchLeft lists the engines' scratch directories in the temporary
// directory.
func scratchLeft(t *testing.T) []string {
	entries, err := os.ReadDir(os.TempDir())
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if hasScratchPrefix(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestNothingLeftBehind: a chapter run under both engines leaves no
// scratch directory in the temporary directory, and neither does a run
// killed with SIGKILL, once another run started.
func TestNothingLeftBehind(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	path := filepath.Join(dir, "left.md")
	src := "```go\nimport \"fmt\"\nfmt.Println(1)\n```\n\n" +
		"```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(2) }\n```\n"
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	require.Empty(t, scratchLeft(t))

	rep, err := RunChapter(context.Background(), path, &Options{Engine: "both"})
	require.NoError(t, err)
	require.False(t, rep.Failed(), "%v", rep.Results)
	assert.Empty(t, scratchLeft(t), "a finished run")

	// A run killed while a cell runs.
	slow := filepath.Join(dir, "slow.md")
	require.NoError(t, os.WriteFile(slow, []byte("```go\nimport \"time\"\ntime.Sleep(time.Minute)\n```\n"), 0o644))
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), runChapterEnv+"="+slow)
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(20 * time.Second)
	for len(scratchLeft(t)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the worker started and runs the cell
	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()
	left := scratchLeft(t)
	require.Len(t, left, 1, "the killed run's directory")
	require.True(t, strings.HasPrefix(left[0], "book-cells-"), left)
	require.NoError(t, waitNoWorkers(5*time.Second))

	// An older runner's directory (no owner file) is not ours to remove.
	old := filepath.Join(os.TempDir(), "book-cells-old")
	require.NoError(t, os.Mkdir(old, 0o755))

	rep, err = RunChapter(context.Background(), path, &Options{})
	require.NoError(t, err)
	require.False(t, rep.Failed())
	assert.Equal(t, []string{"book-cells-old"}, scratchLeft(t), "the next run sweeps what the killed one left")
	all, err := os.ReadDir(os.TempDir())
	require.NoError(t, err)
	var names []string
	for _, e := range all {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"book-cells-old"}, names, "nothing else either (the Go command's go-build directories)")
}

// waitNoWorkers waits until no worker of this process is alive: a killed
// run's workers die with it (Pdeathsig), a moment later.
func waitNoWorkers(d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		err := noWorkers()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
