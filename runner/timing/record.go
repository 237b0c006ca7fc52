package timing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/internal/atomicfile"
)

// Timings is a chapter's golden timing record, stored beside it
// (chapters/cpu.md: chapters/cpu.timings.json) by -update: one record per
// engine, since the interpreter and compiled code scale differently.
type Timings struct {
	Records []*TimingRecord `json:"records"`
}

// A TimingRecord is the expectations of a chapter as measured by one
// engine on one machine.
type TimingRecord struct {
	Engine       string          `json:"engine"`
	Machine      Machine         `json:"machine"`
	Date         time.Time       `json:"date"`
	Count        int             `json:"count"` // runs per timed cell
	Expectations []*ExpectResult `json:"expectations"`
}

// TimingsPath is the file of a chapter's timing record.
func TimingsPath(chapterPath string) string {
	return strings.TrimSuffix(chapterPath, ".md") + ".timings.json"
}

// ReadTimings reads the timing record of the chapter at chapterPath; a
// chapter without one has an empty record and no error.
func ReadTimings(chapterPath string) (*Timings, error) {
	data, err := os.ReadFile(TimingsPath(chapterPath))
	if errors.Is(err, os.ErrNotExist) {
		return &Timings{}, nil
	}
	if err != nil {
		return nil, err
	}
	var t Timings
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %v", TimingsPath(chapterPath), err)
	}
	return &t, nil
}

// Record returns the record of the engine, or nil.
func (t *Timings) Record(engine string) *TimingRecord {
	for _, r := range t.Records {
		if r.Engine == engine {
			return r
		}
	}
	return nil
}

// Set replaces the record of r's engine, or adds it.
func (t *Timings) Set(r *TimingRecord) {
	for i, old := range t.Records {
		if old.Engine == r.Engine {
			t.Records[i] = r
			return
		}
	}
	t.Records = append(t.Records, r)
	sort.Slice(t.Records, func(i, j int) bool { return t.Records[i].Engine < t.Records[j].Engine })
}

// Find returns the recorded result for the expectation written as text, or
// nil.
func (r *TimingRecord) Find(text string) *ExpectResult {
	for _, e := range r.Expectations {
		if e.Text == text {
			return e
		}
	}
	return nil
}

// WriteTimings stores the timing record of the chapter at chapterPath,
// atomically.
func WriteTimings(chapterPath string, t *Timings) error {
	// Written for people to read too: ">=" stays ">=".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return err
	}
	return atomicfile.WriteFile(TimingsPath(chapterPath), buf.Bytes())
}

// Record compares the results with the chapter's timing record for the
// machine's engine (ExpectResult.Recorded) and, with opts.Update, stores
// them as that engine's record, keeping the other engines'. The error is
// a record that cannot be read (nothing is compared or written then) or
// written.
func Record(chapterPath string, m *Machine, res []*ExpectResult, opts Options) error {
	t, err := ReadTimings(chapterPath)
	if err != nil {
		return err
	}
	compareWithRecord(t, m.Engine, res)
	if !opts.Update {
		return nil
	}
	return updateRecord(chapterPath, t, m, opts.Rounds(), res)
}

// compareWithRecord notes, in each result, the ratio the chapter's timing
// record holds for the same expectation and engine.
func compareWithRecord(t *Timings, engine string, res []*ExpectResult) {
	rec := t.Record(engine)
	if rec == nil {
		return
	}
	for _, r := range res {
		if old := rec.Find(r.Text); old != nil && old.Ratio > 0 {
			r.Recorded, r.RecordedOn = old.Ratio, rec.Machine.String()
		}
	}
}

// updateRecord stores today's measurements as the chapter's timing record
// for the engine, keeping the other engines' records.
func updateRecord(path string, t *Timings, m *Machine, count int, res []*ExpectResult) error {
	rec := &TimingRecord{Engine: m.Engine, Machine: *m, Date: time.Now().UTC().Truncate(time.Second), Count: count}
	for _, r := range res {
		if len(r.Samples) == 0 {
			continue
		}
		c := *r
		c.Recorded, c.RecordedOn = 0, ""
		rec.Expectations = append(rec.Expectations, &c)
	}
	if len(rec.Expectations) == 0 {
		return nil
	}
	t.Set(rec)
	return WriteTimings(path, t)
}
