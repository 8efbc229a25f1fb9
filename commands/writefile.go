package commands

import (
	"fmt"
	"os"
	"path/filepath"
)

// atomicFile replaces a file through a temporary file in the same
// directory and a rename, so that a web server serving the file,
// node_exporter's textfile collector or a reader racing the write sees
// the old or the new file and never half of one. Write streams into the
// temporary file; commit renames it into place, abort removes it.
type atomicFile struct {
	path    string
	tmp     *os.File
	aborted bool // writes after abort are dropped
}

func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{path: path, tmp: tmp}, nil
}

func (a *atomicFile) Write(p []byte) (int, error) {
	if a.aborted {
		return len(p), nil
	}
	return a.tmp.Write(p)
}

// commit gives the file mode 0644, flushes it to disk and renames it over
// path.
func (a *atomicFile) commit() error {
	err := a.tmp.Chmod(0o644)
	if err == nil {
		err = a.tmp.Sync()
	}
	if cerr := a.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.tmp.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.tmp.Name())
	}
	return err
}

// abort drops the temporary file; path stays as it was.
func (a *atomicFile) abort() {
	a.aborted = true
	a.tmp.Close()
	os.Remove(a.tmp.Name())
}

// writeFileAtomic replaces path with data (mode 0644) atomically.
func writeFileAtomic(path string, data []byte) error {
	a, err := createAtomic(path)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if _, err := a.Write(data); err != nil {
		a.abort()
		return fmt.Errorf("--output %s: %w", path, err)
	}
	if err := a.commit(); err != nil {
		return fmt.Errorf("--output %s: %w", path, err)
	}
	return nil
}
