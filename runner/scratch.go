package runner

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The engines' scratch directories (book-cells-*, book-go-* in
// os.TempDir()) are removed when the engine closes; a run killed before
// that (SIGKILL, a crash) cannot remove its own, so every new one sweeps
// those whose owner is gone. Ownership is an flock held on a file in the
// directory for as long as the engine lives: the kernel drops it with the
// process, and a directory without the file (a run of an older runner) is
// never touched. Cells run in its subdirectory work, where they do not see
// the file; the engine makes it.

// scratchPrefixes are the names of the engines' scratch directories.
var scratchPrefixes = []string{"book-cells-", "book-go-"}

// ownerFile is the file an engine holds locked in its scratch directory.
const ownerFile = ".owner"

// A scratchDir is an engine's scratch directory, owned while open.
type scratchDir struct {
	path  string // the directory; cells run in its subdirectory work
	owner *os.File
}

// newScratchDir sweeps abandoned scratch directories, then makes and owns
// a new one named prefix*.
func newScratchDir(prefix string) (*scratchDir, error) {
	sweepScratch()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	// Locked under another name, then renamed: a sweep never sees an
	// owner file that is not locked yet.
	tmp := filepath.Join(dir, ownerFile+".new")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			err = os.Rename(tmp, filepath.Join(dir, ownerFile))
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &scratchDir{path: dir, owner: f}, nil
}

// remove deletes the directory and gives up its ownership.
func (d *scratchDir) remove() error {
	err := os.RemoveAll(d.path)
	d.owner.Close()
	return err
}

// sweepScratch removes the scratch directories whose owner is gone.
func sweepScratch() {
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		if !e.IsDir() || !hasScratchPrefix(e.Name()) {
			continue
		}
		dir := filepath.Join(os.TempDir(), e.Name())
		f, err := os.OpenFile(filepath.Join(dir, ownerFile), os.O_RDWR, 0)
		if err != nil {
			continue // not ours to judge
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			// Removed while locked: a directory being swept by two runs
			// at once is removed by both, harmlessly.
			os.RemoveAll(dir)
		}
		f.Close()
	}
}

func hasScratchPrefix(name string) bool {
	for _, p := range scratchPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
