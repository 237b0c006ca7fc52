package site

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const workflowFile = "../.github/workflows/ci.yml"

// TestWorkflowLints checks .github/workflows/ci.yml with actionlint, and
// that it fails on a broken workflow.
func TestWorkflowLints(t *testing.T) {
	src, err := os.ReadFile(workflowFile)
	require.NoError(t, err)
	assert.Empty(t, lintWorkflow(t, src), "actionlint")
	broken := strings.Replace(string(src), "needs: test", "needs: tset", 1)
	assert.NotEmpty(t, lintWorkflow(t, []byte(broken)), "actionlint accepts a job needing an unknown job")
}

func lintWorkflow(t *testing.T, src []byte) []string {
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	require.NoError(t, err)
	errs, err := l.Lint("ci.yml", src, nil)
	require.NoError(t, err)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

// TestWorkflowRunsCICommands: the workflow runs the commands of .ci/run
// (install, vet, the README's go test ./...) in the same order; it may add
// steps such as building the site.
func TestWorkflowRunsCICommands(t *testing.T) {
	ci, err := os.ReadFile("../.ci/run")
	if os.IsNotExist(err) {
		t.Skip(".ci/run not written yet")
	}
	require.NoError(t, err)
	src, err := os.ReadFile(workflowFile)
	require.NoError(t, err)
	want := ciCommands(string(ci))
	test := readmeTestCommand(t)
	require.Contains(t, want, test, ".ci/run runs the README's test command")
	got := workflowCommands(t, src)
	assert.True(t, isSubsequence(want, got), ".ci/run runs\n%s\nbut the workflow runs\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))

	// The check notices a workflow that stopped running the tests.
	broken := workflowCommands(t, []byte(strings.Replace(string(src), test, "go build ./...", 1)))
	assert.False(t, isSubsequence(want, broken))
}

// readmeTestCommand is the test command README.md starts with: the go test
// line of its first code block, without its comment.
func readmeTestCommand(t *testing.T) string {
	src, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(src), "```sh\n")
	require.True(t, ok, "README.md starts with a sh block")
	block, _, _ = strings.Cut(block, "```")
	for _, line := range strings.Split(block, "\n") {
		if strings.HasPrefix(line, "go test ") {
			cmd, _, _ := strings.Cut(line, " #")
			return strings.TrimSpace(cmd)
		}
	}
	t.Fatal("README.md's first code block has no go test command")
	return ""
}

// ciCommands returns the commands of a shell script: its lines without
// comments, shell set-up (set, cd, export) and control flow (if, fi).
func ciCommands(script string) []string {
	var cmds []string
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		first, _, _ := strings.Cut(line, " ")
		switch first {
		case "", "set", "cd", "export", "if", "fi", "then", "else":
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		cmds = append(cmds, strings.TrimPrefix(line, "sudo "))
	}
	return cmds
}

func workflowCommands(t *testing.T, src []byte) []string {
	wf, errs := actionlint.Parse(src)
	require.Empty(t, errs)
	var cmds []string
	for _, id := range []string{"test", "deploy"} {
		job := wf.Jobs[id]
		require.NotNil(t, job, "job %s", id)
		for _, s := range job.Steps {
			if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
				cmds = append(cmds, ciCommands(r.Run.Value)...)
			}
		}
	}
	return cmds
}

func isSubsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want) && !slices.Contains(want, "")
}
