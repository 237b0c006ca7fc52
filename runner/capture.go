package runner

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// A stream collects one of a worker's output pipes and cuts it into cells
// at the fences. It keeps at most max bytes of a cell's output; the rest is
// read and dropped, so a cell that prints without end cannot exhaust the
// runner's memory or block the worker on a full pipe.
type stream struct {
	mu        sync.Mutex
	buf       []byte
	truncated bool
	closed    bool
	changed   chan struct{} // closed and replaced at every change
	max       int
	prefix    []byte // how every fence starts
}

func newStream(r io.Reader, max int, nonce string) *stream {
	s := &stream{changed: make(chan struct{}), max: max, prefix: []byte("\x1e" + nonce)}
	go s.copy(r)
	return s
}

func (s *stream) copy(r io.Reader) {
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		s.mu.Lock()
		if n > 0 {
			s.buf = append(s.buf, b[:n]...)
			s.trim()
		}
		if err != nil {
			s.closed = true
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// fenceRoom is kept at the end of a trimmed buffer so that a fence split
// across reads is still found.
const fenceRoom = 256

// trim drops bytes past the cap, keeping the head and the tail where a
// fence may be arriving. Fences are never dropped: everything from the
// first fence in the buffer is kept.
func (s *stream) trim() {
	if len(s.buf) <= s.max+2*fenceRoom {
		return
	}
	if bytes.Contains(s.buf[s.max:], s.prefix) {
		return // a fence is in there: it is about to be consumed
	}
	tail := s.buf[len(s.buf)-fenceRoom:]
	s.buf = append(s.buf[:s.max:s.max], tail...)
	s.truncated = true
}

// skip waits for marker and drops it with what came before it.
func (s *stream) skip(marker string, deadline time.Time) {
	s.wait(marker, deadline, false)
}

// until waits for marker and returns what came before it, removing both
// from the buffer. found is false when the stream closed or the deadline
// passed first; what arrived is then returned and removed.
func (s *stream) until(marker string, deadline time.Time) (data []byte, truncated, found bool) {
	return s.wait(marker, deadline, true)
}

// wait implements until; take says whether the truncation flag goes with
// the data (a skipped prefix leaves it to the data that follows).
func (s *stream) wait(marker string, deadline time.Time, take bool) (data []byte, truncated, found bool) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		s.mu.Lock()
		if i := bytes.Index(s.buf, []byte(marker)); i >= 0 {
			data = append([]byte(nil), s.buf[:i]...)
			s.buf = append(s.buf[:0], s.buf[i+len(marker):]...)
			if take {
				truncated, s.truncated = s.truncated, false
			}
			s.mu.Unlock()
			return s.capped(data, truncated, true)
		}
		if s.closed || !time.Now().Before(deadline) {
			data = append([]byte(nil), s.buf...)
			s.buf = s.buf[:0]
			if take {
				truncated, s.truncated = s.truncated, false
			}
			s.mu.Unlock()
			return s.capped(data, truncated, false)
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
		}
	}
}

// capped enforces the cap on one cell's data: trim bounds the buffer while
// output arrives, this bounds what a cell reports.
func (s *stream) capped(data []byte, truncated, found bool) ([]byte, bool, bool) {
	if len(data) > s.max {
		return data[:s.max], true, found
	}
	return data, truncated, found
}
