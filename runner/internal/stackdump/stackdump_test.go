package stackdump

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stackDump is runtime.Stack's form; sigquitDump the form a program
// prints on SIGQUIT or a crash, with the g and m addresses.
const (
	stackDump = `goroutine 1 [running]:
main.main()
	/tmp/st.go:4 +0x11c

goroutine 19 [sync.Mutex.Lock]:
internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
main.main.func1()
	/tmp/st.go:3 +0x2d
created by main.main in goroutine 1
	/tmp/st.go:3 +0x85

goroutine 21 [chan receive, 2 minutes]:
main.main.func3()
	/tmp/st.go:3 +0x19
created by main.main in goroutine 1
	/tmp/st.go:3 +0xe5
`
	sigquitDump = `SIGQUIT: quit
PC=0x47a0a1 m=0 sigcode=0

goroutine 0 gp=0x5a6f20 m=0 mp=0x5a7de0 [idle]:
runtime.futex(0x5a7f20, 0x80, 0x0, 0x0, 0x0, 0x0)
	/usr/local/go/src/runtime/sys_linux_amd64.s:557 +0x21

goroutine 1 gp=0xc000002380 m=nil [select (no cases)]:
main.main()
	chapters/x.md:12 +0x1d
`
)

func TestParse(t *testing.T) {
	gs := Parse("some output first\n" + stackDump)
	require.Len(t, gs, 3)
	assert.Equal(t, Goroutine{ID: "1", State: "running", Frames: []Frame{{"main.main", "/tmp/st.go:4"}}}, gs[0])
	assert.Equal(t, "sync.Mutex.Lock", gs[1].State)
	assert.Equal(t, []Frame{
		{"internal/sync.runtime_SemacquireMutex", "/usr/local/go/src/runtime/sema.go:95"},
		{"sync.(*Mutex).Lock", "/usr/local/go/src/sync/mutex.go:46"},
		{"main.main.func1", "/tmp/st.go:3"},
	}, gs[1].Frames, "the created-by call is not a frame")
	assert.Equal(t, "chan receive", gs[2].State, "the wait's duration is cut")

	gs = Parse(sigquitDump)
	require.Len(t, gs, 2)
	assert.Equal(t, Goroutine{ID: "1", State: "select (no cases)", Frames: []Frame{{"main.main", "chapters/x.md:12"}}}, gs[1])
	assert.Empty(t, Parse("no goroutines here\n"))
}

func TestStart(t *testing.T) {
	assert.Equal(t, len("panic: boom\n\n"), Start("panic: boom\n\n"+stackDump))
	assert.Equal(t, strings.Index(sigquitDump, "goroutine 0"), Start(sigquitDump))
	assert.Equal(t, -1, Start("goroutine 1 is not a header\n"))
}

// TestParseOwnStacks reads this process's stacks as the worker does.
func TestParseOwnStacks(t *testing.T) {
	buf := make([]byte, 1<<20)
	gs := Parse(string(buf[:runtime.Stack(buf, true)]))
	require.NotEmpty(t, gs)
	require.NotEmpty(t, gs[0].Frames)
	assert.True(t, strings.HasSuffix(gs[0].Frames[0].Func, ".TestParseOwnStacks"), "%+v", gs[0])
	assert.Contains(t, gs[0].Frames[0].Pos, "stackdump_test.go:")
}

func TestHint(t *testing.T) {
	assert.Equal(t, "", Hint(nil))
	assert.Equal(t, "; goroutines: 1 in select, 2 in chan receive", Hint(map[string]int{"select": 1, "chan receive": 2}))
}
