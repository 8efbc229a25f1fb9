package commands

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// flgWrite adds an output: --write FORMAT=FILE, repeatable.
const flgWrite = "write"

// checkOutputs are the outputs of one check run: --format on standard
// output or in the --output file, and every --write FORMAT=FILE. Each
// format is written once; files are replaced atomically when the run
// completes, and left as they were when it does not.
type checkOutputs struct {
	fmtrs []checkFormatter
	files []*atomicFile
}

// openCheckOutputs checks the flags and opens every output; o holds the
// options that every format shares (w and colour are set here).
func openCheckOutputs(c *cli.Context, format string, o checkFormatOptions) (*checkOutputs, error) {
	type dest struct{ format, path string }
	dests := []dest{{format, c.String(flgOutput)}}
	if dests[0].path == "-" {
		dests[0].path = ""
	}
	for _, w := range c.StringSlice(flgWrite) {
		f, path, ok := strings.Cut(w, "=")
		if !ok || path == "" || !has(checkFormats, f) {
			return nil, withHint(usageError{fmt.Errorf("--write %q: want FORMAT=FILE with a format of %v", w, checkFormats)},
				"for example --write junit=postino.xml --write prometheus=/var/lib/node_exporter/postino.prom")
		}
		dests = append(dests, dest{f, path})
	}
	formats, paths := map[string]bool{}, map[string]bool{}
	for _, d := range dests {
		abs, _ := filepath.Abs(d.path)
		switch {
		case formats[d.format]:
			return nil, usageError{fmt.Errorf("--write %s: the run already writes %s once", d.format, d.format)}
		case d.path != "" && paths[abs]:
			return nil, usageError{fmt.Errorf("%s is named twice as an output", d.path)}
		}
		formats[d.format], paths[abs] = true, d.path != ""
	}
	outs := &checkOutputs{}
	for i, d := range dests {
		opts := o
		// Colour and the terminal's width for standard output only: a
		// file gets plain, full lines.
		opts.w, opts.colour, opts.width = c.App.Writer, false, 0
		if d.path == "" {
			opts.colour, opts.width = colourOn(c.App.Writer, c.Bool(flgNoColor)), checkWidth(c)
		} else {
			f, err := createAtomic(d.path)
			if err != nil {
				outs.abort()
				flag := "--" + flgWrite
				if i == 0 {
					flag = "--" + flgOutput
				}
				return nil, withHint(fmt.Errorf("%s: %w", flag, err), "name a file in a directory that exists and that you may write to")
			}
			outs.files = append(outs.files, f)
			opts.w = f
		}
		fm, err := newCheckFormatter(d.format, opts)
		if err != nil {
			outs.abort()
			return nil, err
		}
		outs.fmtrs = append(outs.fmtrs, fm)
	}
	return outs, nil
}

func (o *checkOutputs) result(r *checkResult) error {
	for _, f := range o.fmtrs {
		if err := f.result(r); err != nil {
			return err
		}
	}
	return nil
}

// finish closes every format and puts the files in place.
func (o *checkOutputs) finish(s *checkSummary) error {
	for _, f := range o.fmtrs {
		if err := f.finish(s); err != nil {
			return err
		}
	}
	for i, f := range o.files {
		if err := f.commit(); err != nil {
			for _, rest := range o.files[i+1:] {
				rest.abort()
			}
			o.files = nil
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	o.files = nil
	return nil
}

// abort leaves every file as it was and drops its writes; after finish
// it does nothing.
func (o *checkOutputs) abort() {
	for _, f := range o.files {
		f.abort()
	}
	o.files = nil
}
