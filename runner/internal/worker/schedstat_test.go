package worker

import (
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestReadLoad: the run-queue wait of the process's threads, the CPU time
// of the busiest of them and the steal time are read around a piece of
// work: known (>= 0) where the kernel says, summed over pieces, unknown
// (-1) once a piece's is.
func TestReadLoad(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no procfs")
	}
	if _, ok := threadTimes(); !ok {
		t.Skip("no schedstat")
	}
	if runtime.NumCPU() >= 8 {
		t.Skip("needs fewer than 8 CPUs for threads to wait")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	var resp Response
	for piece := 0; piece < 2; piece++ {
		l := readLoad()
		// More busy threads than cores wait for a CPU.
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t0 := time.Now(); time.Since(t0) < 30*time.Millisecond; {
				}
			}()
		}
		wg.Wait()
		l.add(&resp, 0)
	}
	assert.Greater(t, resp.Wait, time.Duration(0), "8 spinning goroutines waited")
	// Each piece kept the CPUs busy for 30ms among 8 threads: the
	// busiest ran some of it, in each piece.
	assert.Greater(t, resp.BusyCPU, 5*time.Millisecond)
	assert.LessOrEqual(t, resp.BusyWait, resp.Wait)
	assert.GreaterOrEqual(t, resp.Steal, time.Duration(0))
	l := loadReading{known: false, steal: -1}
	l.add(&resp, 0)
	assert.Equal(t, time.Duration(-1), resp.Wait)
	assert.Equal(t, time.Duration(-1), resp.BusyCPU)
	assert.Equal(t, time.Duration(-1), resp.Steal)
	l = readLoad()
	l.add(&resp, 0)
	assert.Equal(t, time.Duration(-1), resp.Wait, "unknown stays unknown")
}
