// Package atomicfile replaces files so that a crash at any moment leaves
// the old content or the new, never a torn file: -update writes chapters
// and timing records with it.
package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// WriteFile replaces the file at path with data atomically. The data is
// written to an unnamed temporary file in the same directory (O_TMPFILE),
// synced, given a name and renamed over the original, keeping its
// permissions: a crash at any moment leaves the old file or the new one,
// and nothing else but in the instant between naming and renaming. Where
// the file system has no unnamed files, a named temporary file is used.
func WriteFile(path string, data []byte) (err error) {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmpName := filepath.Join(dir, "."+base+".tmp"+strconv.Itoa(os.Getpid()))
	if fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, uint32(mode)); err == nil {
		f := os.NewFile(uintptr(fd), "unnamed")
		defer f.Close()
		if err := writeSync(f, data, mode); err != nil {
			return err
		}
		os.Remove(tmpName)
		if err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, tmpName, unix.AT_SYMLINK_FOLLOW); err == nil {
			return renameSync(tmpName, path, dir)
		}
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	err = writeSync(f, data, mode)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return renameSync(f.Name(), path, dir)
}

func writeSync(f *os.File, data []byte, mode os.FileMode) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	return f.Sync()
}

func renameSync(from, to, dir string) error {
	if err := os.Rename(from, to); err != nil {
		os.Remove(from)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// RemoveStaleTemps removes temporary files a killed WriteFile of path may
// have left. Call it holding the lock that serializes writers.
func RemoveStaleTemps(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp*"))
	for _, f := range stale {
		os.Remove(f)
	}
}
