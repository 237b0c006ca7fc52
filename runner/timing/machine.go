package timing

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A Machine describes where timings were measured.
type Machine struct {
	CPUs       int `json:"cpus"`       // runtime.NumCPU
	GOMAXPROCS int `json:"gomaxprocs"` // of the runner
	Cores      int `json:"cores"`      // what cores evaluated to
	// Parallelism is the measured effective parallelism: how many
	// goroutines spinning at once got done per unit of time, relative to
	// one, with the load of the moment.
	Parallelism float64 `json:"parallelism,omitempty"`
	CPUModel    string  `json:"cpu_model,omitempty"`
	OS          string  `json:"os"`
	Arch        string  `json:"arch"`
	GoVersion   string  `json:"go_version"`
	Yaegi       string  `json:"yaegi,omitempty"` // the interpreter's module version
	Engine      string  `json:"engine"`
}

// String describes the machine in one line.
func (m *Machine) String() string {
	s := fmt.Sprintf("%d cpus, GOMAXPROCS %d", m.CPUs, m.GOMAXPROCS)
	if m.Parallelism > 0 {
		s += fmt.Sprintf(", parallelism %.2f", m.Parallelism)
	}
	if m.CPUModel != "" {
		s += ", " + m.CPUModel
	}
	s += fmt.Sprintf(", %s/%s, %s, engine %s", m.OS, m.Arch, m.GoVersion, m.Engine)
	if m.Engine == "yaegi" && m.Yaegi != "" {
		s += " " + m.Yaegi
	}
	return s
}

// describeMachine says where timings are measured; the effective
// parallelism and cores are filled in by the calibration.
func describeMachine(engine string) Machine {
	m := Machine{
		CPUs:       runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		CPUModel:   CPUModel(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		GoVersion:  runtime.Version(),
		Engine:     engine,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				m.Yaegi = d.Version
				if d.Replace != nil {
					m.Yaegi = d.Replace.Version
				}
			}
		}
	}
	return m
}

// CPUModel is the first "model name" of /proc/cpuinfo, its spaces
// collapsed, or "" where there is none.
func CPUModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// busyCPU returns the CPU time the whole machine has spent busy since boot
// (user, nice, system, interrupts and steal: time taken from the processes
// of this machine by the hypervisor counts as busy), and the steal alone,
// from /proc/stat. ok is false where there is no /proc/stat.
func busyCPU() (busy, steal time.Duration, ok bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, false
	}
	var ticks, stolen uint64
	// user nice system idle iowait irq softirq steal: all but idle and iowait.
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return 0, 0, false
		}
		ticks += n
		if i == 8 {
			stolen = n
		}
	}
	tick := time.Second / clockTicks
	return time.Duration(ticks) * tick, time.Duration(stolen) * tick, true
}

// selfCPU is the CPU time of this process.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A loadProbe measures how much CPU the rest of the machine used during
// an interval: what this process and the worker it names did not use.
type loadProbe struct {
	t0     time.Time
	busy0  time.Duration
	steal0 time.Duration
	self0  time.Duration
	ok     bool
}

func startProbe() loadProbe {
	busy, steal, ok := busyCPU()
	return loadProbe{t0: time.Now(), busy0: busy, steal0: steal, self0: selfCPU(), ok: ok}
}

// A loadSample is what a probe saw of the rest of the machine over its
// interval: the CPU time others used (busy time less ours), of which the
// hypervisor took steal. /proc/stat counts in ticks of 10ms, our own CPU
// time is exact: rest is off by about a tick either way (measured on an
// idle two-core machine over 45ms intervals).
type loadSample struct {
	wall, rest, steal time.Duration
	ok                bool
}

// measure reads what the rest of the machine used since the probe
// started, given the CPU time ours (the worker, when a cell ran in one)
// used outside this process; ok is false when it cannot be known.
func (p loadProbe) measure(ours time.Duration) loadSample {
	wall := time.Since(p.t0)
	busy, stolen, bok := busyCPU()
	if !p.ok || !bok || wall <= 0 {
		return loadSample{}
	}
	rest := busy - p.busy0 - (selfCPU() - p.self0) - ours
	return loadSample{wall: wall, rest: rest, steal: max(0, stolen-p.steal0), ok: true}
}

// cores returns the cores the rest of the machine kept busy on average,
// and how many of them the hypervisor took (steal). One tick is given the
// benefit of the doubt: a short cell would otherwise see a quarter of a
// core that was not there.
func (s loadSample) cores() (others, steal float64) {
	if !s.ok {
		return math.NaN(), math.NaN()
	}
	return max(0, (s.rest-time.Second/clockTicks).Seconds()/s.wall.Seconds()), s.steal.Seconds() / s.wall.Seconds()
}

// OtherLoad sleeps for d and returns how many cores other processes kept
// busy meanwhile; ok is false where it cannot be known. Trials of the
// protocol use it to start in a quiet moment.
func OtherLoad(d time.Duration) (cores float64, ok bool) {
	p := startProbe()
	time.Sleep(d)
	s := p.measure(0)
	cores, _ = s.cores()
	return cores, s.ok
}

// spinSink keeps the calibration loop from being optimized away.
var spinSink sync.Map

// spin is a fixed amount of CPU work that touches no shared memory.
func spin(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += i * i % 7
	}
	return t
}

// calibrate measures the machine's effective parallelism now: the same
// spin runs on one goroutine, then on n at once, each repeated and the
// fastest kept; the parallelism is n times the time of one over the time
// of n. capacity adds the cores other processes used meanwhile, which is
// what the machine would offer without them. It takes about 100ms.
func calibrate(n int) (parallelism, capacity float64) {
	// Size the work to about 15ms on one goroutine.
	iters := 1 << 16
	for {
		t0 := time.Now()
		spinSink.Store(0, spin(iters))
		if d := time.Since(t0); d > 2*time.Millisecond {
			iters = int(float64(iters) * float64(15*time.Millisecond) / float64(d))
			break
		}
		iters *= 4
	}
	best := 0.0
	for rep := 0; rep < 2; rep++ {
		t0 := time.Now()
		spinSink.Store(0, spin(iters))
		one := time.Since(t0)
		probe := startProbe()
		t0 = time.Now()
		var wg sync.WaitGroup
		for g := 0; g < n; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				spinSink.Store(g+1, spin(iters))
			}()
		}
		wg.Wait()
		many := time.Since(t0)
		p := float64(n) * one.Seconds() / many.Seconds()
		others, _ := probe.measure(0).cores()
		if math.IsNaN(others) {
			others = 0
		}
		if p > parallelism {
			parallelism = p
		}
		best = max(best, min(float64(n), p+others))
	}
	return min(parallelism, float64(n)), best
}
