package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestStreamCells reads a worker's stream as the interpreter engine does:
// each cell's output lies between its fences, capped per cell; what comes
// between cells is dropped; fences may be split across writes.
func TestStreamCells(t *testing.T) {
	const nonce = "N0NCE"
	s := newStream(10, nonce)
	start1, end1 := fence(nonce, 1, "start"), fence(nonce, 1, "end")
	start2, end2 := fence(nonce, 2, "start"), fence(nonce, 2, "end")
	all := "ready" + start1 + "cell one" + end1 + "between" + start2 + strings.Repeat("x", 50) + end2 + "tail"
	for i := 0; i < len(all); i += 3 {
		s.Write([]byte(all[i:min(i+3, len(all))]))
	}
	soon := time.Now().Add(time.Second)

	s.skip(start1, soon)
	data, truncated, found := s.until(end1, soon)
	assert.Equal(t, "cell one", string(data))
	assert.False(t, truncated)
	assert.True(t, found)

	s.skip(start2, soon)
	data, truncated, found = s.until(end2, soon)
	assert.Equal(t, strings.Repeat("x", 10), string(data), "a cell's output is capped")
	assert.True(t, truncated)
	assert.True(t, found)

	// A cell whose worker died: what it wrote after its start fence.
	start3, end3 := fence(nonce, 3, "start"), fence(nonce, 3, "end")
	s.Write([]byte(start3 + "bye\x1e" + nonce))
	s.closeWrite()
	s.skip(start3, soon)
	data, truncated, found = s.until(end3, soon)
	assert.Equal(t, "bye\x1e"+nonce, string(data), "an unfinished fence is output once the stream ends")
	assert.False(t, truncated)
	assert.False(t, found)
}

// TestStreamNotAFence: bytes that start like a fence but do not end like
// one within fenceRoom are output.
func TestStreamNotAFence(t *testing.T) {
	s := newStream(1000, "N")
	forged := "\x1eN" + strings.Repeat("y", fenceRoom+10)
	s.Write([]byte(forged))
	s.closeWrite()
	data, truncated := s.after("")
	assert.Equal(t, forged, string(data))
	assert.False(t, truncated)
}

// TestStreamDeadline: until gives up at the deadline with what arrived.
func TestStreamDeadline(t *testing.T) {
	s := newStream(100, "N")
	s.Write([]byte("partial"))
	t0 := time.Now()
	data, _, found := s.until(fence("N", 1, "end"), time.Now().Add(50*time.Millisecond))
	assert.Equal(t, "partial", string(data))
	assert.False(t, found)
	assert.Less(t, time.Since(t0), 5*time.Second)
}
