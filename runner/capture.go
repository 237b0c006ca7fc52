package runner

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/worker"
)

// Output capture, for both engines. A process that runs cells (a worker,
// a program the go engine built) writes fences into its output streams:
// markers that embed a random nonce (worker.Fence), so that a cell cannot
// forge them. A stream cuts what the process writes at its fences into
// segments and keeps at most max bytes of each; the rest is read and
// dropped, so that a cell that prints without end can neither exhaust the
// runner's memory nor block its process on a full pipe.
//
// The interpreter engine reads a worker's streams while the worker lives:
// a cell's output is the segment between its start and end fences. The go
// engine reads a program's streams when it has ended: a fragment's output
// is what follows the fence its program writes after replaying the earlier
// fragments.

// newNonce makes a fence nonce.
func newNonce() string {
	var nb [12]byte
	_, _ = rand.Read(nb[:])
	return hex.EncodeToString(nb[:])
}

// fence is the marker written at an edge of cell seq (see worker.Fence).
func fence(nonce string, seq int, edge string) string { return worker.Fence(nonce, seq, edge) }

// noteTruncation appends the notice of a capped output to the cell's
// standard output, where a reader of the report sees it.
func noteTruncation(res *chapter.Result, max int) {
	if res.Truncated {
		res.Stdout += fmt.Sprintf("\n[output truncated: more than %d bytes]\n", max)
	}
}

// fenceRoom bounds how far a fence extends after its prefix: written bytes
// that start like a fence are held back until its end arrives, or until
// this many have come without it.
const fenceRoom = 256

// A stream collects one output stream of a process and cuts it at the
// fences. It is an io.Writer (a program's Stdout) and can read a pipe
// (a worker's).
type stream struct {
	mu      sync.Mutex
	max     int
	prefix  []byte     // how every fence starts
	pending []byte     // written bytes that may be the start of a fence
	segs    []*segment // the output since each fence, oldest first
	closed  bool
	changed chan struct{} // closed and replaced at every change
	// tap, if set, is told of every byte kept in the segment that
	// tapFence opened, as it arrives (the notebook streams a cell's
	// output with it: see tapAt). It is called with mu held.
	tapFence string
	tap      func([]byte)
}

// tapAt streams to fn, from now on, what is kept of the segment that
// fence opens ("" for what comes before any fence); fn nil stops it. fn
// is called as the bytes arrive, with the stream locked: it must not
// block.
func (s *stream) tapAt(fence string, fn func([]byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tapFence, s.tap = fence, fn
}

// A segment is the output that followed a fence.
type segment struct {
	fence     string // "" for what came before any fence
	data      []byte
	truncated bool
}

func newStream(max int, nonce string) *stream {
	return &stream{max: max, prefix: []byte(worker.FencePrefix(nonce)),
		segs: []*segment{{}}, changed: make(chan struct{})}
}

// readFrom copies r into the stream until it ends, then closes the stream.
func (s *stream) readFrom(r io.Reader) {
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		if n > 0 {
			_, _ = s.Write(b[:n])
		}
		if err != nil {
			s.closeWrite()
			return
		}
	}
}

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, p...)
	s.cut(false)
	s.notify()
	return len(p), nil
}

// closeWrite marks the end of the stream: what is held back is output.
func (s *stream) closeWrite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cut(true)
	s.closed = true
	s.notify()
}

func (s *stream) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// cut moves the pending bytes into segments, starting a segment at every
// fence. Unless final, it holds back what may be an incomplete fence.
func (s *stream) cut(final bool) {
	for {
		i := bytes.Index(s.pending, s.prefix)
		if i < 0 {
			keep := 0
			if !final {
				keep = partialPrefix(s.pending, s.prefix)
			}
			s.add(s.pending[:len(s.pending)-keep])
			s.pending = append(s.pending[:0], s.pending[len(s.pending)-keep:]...)
			return
		}
		s.add(s.pending[:i])
		j := bytes.IndexByte(s.pending[i:], '\x1f')
		if j < 0 && !final && len(s.pending)-i <= fenceRoom {
			s.pending = append(s.pending[:0], s.pending[i:]...)
			return
		}
		if j < 0 { // not a fence after all
			s.add(s.prefix)
			s.pending = s.pending[i+len(s.prefix):]
			continue
		}
		s.segs = append(s.segs, &segment{fence: string(s.pending[i : i+j+1])})
		s.pending = s.pending[i+j+1:]
	}
}

// partialPrefix returns the length of the longest end of b that begins
// prefix.
func partialPrefix(b, prefix []byte) int {
	for n := min(len(b), len(prefix)-1); n > 0; n-- {
		if bytes.HasPrefix(prefix, b[len(b)-n:]) {
			return n
		}
	}
	return 0
}

// add appends to the last segment, up to the cap.
func (s *stream) add(b []byte) {
	seg := s.segs[len(s.segs)-1]
	if room := s.max - len(seg.data); len(b) > room {
		b = b[:max(room, 0)]
		seg.truncated = true
	}
	seg.data = append(seg.data, b...)
	if s.tap != nil && len(b) > 0 && seg.fence == s.tapFence {
		s.tap(b)
	}
}

// index returns the position of the segment the fence opened, or -1.
func (s *stream) index(fence string) int {
	for i, seg := range s.segs {
		if seg.fence == fence {
			return i
		}
	}
	return -1
}

// await waits, with s.mu held, until the fence has come, the stream is
// closed or the deadline passes; it reports where the fence's segment is.
func (s *stream) await(fence string, deadline time.Time) int {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		if i := s.index(fence); i >= 0 || s.closed || !time.Now().Before(deadline) {
			return i
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
		}
		s.mu.Lock()
	}
}

// skip waits for the fence and drops what came before it. Should the
// fence not come, everything so far is dropped.
func (s *stream) skip(fence string, deadline time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.await(fence, deadline); i >= 0 {
		s.segs = s.segs[i:]
		return
	}
	s.segs = []*segment{{}}
}

// until waits for the fence and returns what came before it (since the
// fence skip waited for), removing it. found is false when the stream
// closed or the deadline passed first; what arrived is then returned and
// removed.
func (s *stream) until(fence string, deadline time.Time) (data []byte, truncated, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.await(fence, deadline)
	found = i >= 0
	if !found {
		i = len(s.segs)
	}
	data, truncated = s.join(s.segs[:i])
	if found {
		s.segs = s.segs[i:]
	} else {
		s.segs = []*segment{{}}
	}
	return data, truncated, found
}

// after returns, once the stream is closed, what followed the fence: or,
// should the fence never have come (or be ""), what came first.
func (s *stream) after(fence string) (data []byte, truncated bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.index(fence); fence != "" && i >= 0 {
		return s.join(s.segs[i:])
	}
	return s.join(s.segs[:1])
}

// join concatenates segments, capped.
func (s *stream) join(segs []*segment) (data []byte, truncated bool) {
	for _, seg := range segs {
		data = append(data, seg.data...)
		truncated = truncated || seg.truncated
	}
	if len(data) > s.max {
		data, truncated = data[:s.max], true
	}
	return data, truncated
}
