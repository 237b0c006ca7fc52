package timing

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalibrate(t *testing.T) {
	n := runtime.GOMAXPROCS(0)
	t0 := time.Now()
	p, capacity := calibrate(n)
	assert.Less(t, time.Since(t0), 2*time.Second)
	assert.Greater(t, p, 0.3)
	assert.LessOrEqual(t, p, float64(n))
	assert.GreaterOrEqual(t, capacity, p-1e-9, "capacity adds the others' cores to the parallelism")
	t.Logf("parallelism %.2f, capacity %.2f of %d", p, capacity, n)
}

func TestBusyCPU(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat")
	}
	probe := startProbe()
	// This process's own spinning is not the others' load.
	for t0 := time.Now(); time.Since(t0) < 50*time.Millisecond; {
		_ = spin(1000)
	}
	s := probe.measure(0)
	require.True(t, s.ok)
	others, _ := s.cores()
	assert.GreaterOrEqual(t, others, 0.0)
	assert.LessOrEqual(t, others, float64(runtime.NumCPU()))
	// Declaring 10s of CPU as ours leaves nothing for the others.
	others, _ = probe.measure(10 * time.Second).cores()
	assert.Equal(t, 0.0, others)

	// Another process spinning for 300ms is seen: about one core, less
	// the tick of doubt.
	hog := exec.Command("sh", "-c", "while :; do :; done")
	require.NoError(t, hog.Start())
	probe = startProbe()
	time.Sleep(300 * time.Millisecond)
	s = probe.measure(0)
	_ = syscall.Kill(hog.Process.Pid, syscall.SIGKILL)
	_ = hog.Wait()
	require.True(t, s.ok)
	others, _ = s.cores()
	assert.Greater(t, others, 0.6, "a busy process next to us")
}
