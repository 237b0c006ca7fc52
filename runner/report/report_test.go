package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// TestFailed: a failed cell, a chapter-level error or a failed
// expectation fails the chapter; an inconclusive or skipped expectation
// does not.
func TestFailed(t *testing.T) {
	e, err := chapter.ParseExpect(&chapter.Expect{Text: "speedup par over seq >= 0.8 * cores"})
	require.NoError(t, err)
	r, _ := timing.Judge(e, []float64{1.3}, 2, 2)
	require.Equal(t, timing.ExpectInconclusive, r.Status)
	rep := &Report{Results: []*chapter.Result{{Cell: "seq", Status: chapter.Pass}, {Cell: "skipped", Status: chapter.Skip}},
		Expectations: []*timing.ExpectResult{r, timing.NewResult(e, timing.ExpectSkip, "short")}}
	assert.False(t, rep.Failed(), "inconclusive is not a failure")
	assert.Same(t, rep.Results[1], rep.Result("skipped"))
	assert.Nil(t, rep.Result("nope"))
	r.Status = timing.ExpectFail
	assert.True(t, rep.Failed(), "a failed expectation fails the chapter")
	r.Status = timing.ExpectPass
	rep.Results[0].Status = chapter.Fail
	assert.True(t, rep.Failed(), "a failed cell fails the chapter")
	rep.Results[0].Status = chapter.Pass
	rep.Errors = []string{"c.md:3: expect: no cell named \"x\""}
	assert.True(t, rep.Failed(), "a chapter-level error fails the chapter")
}
