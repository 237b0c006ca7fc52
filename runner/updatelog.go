package runner

import (
	"fmt"
	"os"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// What -update did, told in the report's notes (report.Report.Notes): each
// output block it wrote or refreshed, at its line in the new file, and
// each timing record it created or replaced.

// updateNotes compares the chapter as it was run (old) with the file now
// at its path, and names every output block that is new or holds other
// text. It says nothing when the file did not change.
func updateNotes(old *chapter.Chapter) []string {
	src, err := os.ReadFile(old.Path)
	if err != nil || string(src) == string(old.Source) {
		return nil
	}
	now, err := chapter.Parse(old.Path, src)
	if now == nil || err != nil && len(now.Cells) != len(old.Cells) {
		return nil
	}
	var notes []string
	for i, c := range now.Cells {
		was := old.Cells[i]
		for _, o := range c.Outputs {
			what := "output"
			if o.Stream == "stderr" {
				what = "stderr output"
			}
			prev := was.Output(o.Stream)
			switch {
			case prev == nil:
				notes = append(notes, fmt.Sprintf("wrote %s %s of cell %s (new)", now.Pos(o.Line), what, c.Name))
			case prev.Text == "" && o.Text != "":
				notes = append(notes, fmt.Sprintf("wrote %s %s of cell %s (filled)", now.Pos(o.Line), what, c.Name))
			case prev.Text != o.Text:
				notes = append(notes, fmt.Sprintf("refreshed %s %s of cell %s", now.Pos(o.Line), what, c.Name))
			}
		}
	}
	return notes
}

// recordedEngine returns whether the chapter's timing record holds a record
// for engine, before -update writes one.
func recordedEngine(path, engine string) bool {
	t, err := timing.ReadTimings(path)
	return err == nil && t.Record(engine) != nil
}

// timingNote says what -update wrote into the chapter's timing record for
// engine, given whether a record for it existed before, or "" when nothing
// was written.
func timingNote(path, engine string, existed bool, res []*timing.ExpectResult) string {
	t, err := timing.ReadTimings(path)
	if err != nil {
		return ""
	}
	rec := t.Record(engine)
	if rec == nil || len(rec.Expectations) == 0 {
		return ""
	}
	n := 0
	for _, r := range res {
		if len(r.Samples) > 0 {
			n++
		}
	}
	if n == 0 {
		return "" // nothing measured: the record was not touched
	}
	verb := "created"
	if existed {
		verb = "replaced"
	}
	return fmt.Sprintf("%s %s timing record for engine %s (%d expectations)", verb, timing.TimingsPath(path), engine, n)
}
