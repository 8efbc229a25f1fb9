package commands

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// output renders results for one run: the chosen format, colours only on a
// terminal, progress on standard error only when it is a terminal.
type output struct {
	w, errw io.Writer
	format  string
	verbose bool
	command string
	pal     palette
	errTTY  bool // standard error takes the progress line
	// width fits tables to the terminal; 0 (a pipe, -v) for full lines.
	width int
}

func newOutput(c *cli.Context) (*output, error) {
	o := &output{w: c.App.Writer, errw: c.App.ErrWriter, format: c.String(flgFormat), verbose: c.Bool(flgVerbose), command: c.Command.Name}
	switch o.format {
	case "text", "json":
	default:
		return nil, usageError{fmt.Errorf("--format %q: want text or json", o.format)}
	}
	// "" is a command without --fail-on (explain, providers show).
	if f := c.String(flgFailOn); f != "" && f != "error" && f != "warning" {
		return nil, usageError{fmt.Errorf("--fail-on %q: want error or warning", f)}
	}
	o.pal = newPalette(colourOn(o.w, c.Bool(flgNoColor)))
	o.errTTY = fancyTerminal(o.errw)
	if !o.verbose {
		o.width = terminalWidth(o.w)
	}
	return o, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// palette holds the colours; all are plain when colour is off.
type palette struct {
	ok, warn, bad, dim, bold func(a ...interface{}) string
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) func(a ...interface{}) string {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c.SprintFunc()
	}
	return palette{ok: mk(color.FgGreen), warn: mk(color.FgYellow), bad: mk(color.FgRed), dim: mk(color.Faint), bold: mk(color.Bold)}
}

// progress shows lookups and probes as they finish, on a terminal only;
// the returned func clears the line.
func (o *output) progress(opts *autoconfig.Options) func() {
	if !o.errTTY {
		return func() {}
	}
	var mu sync.Mutex
	lookups, probes := 0, 0
	opts.Progress = func(lk *autoconfig.Lookup, c *autoconfig.Candidate) {
		mu.Lock()
		defer mu.Unlock()
		if lk != nil {
			lookups++
		} else {
			probes++
		}
		fmt.Fprintf(o.errw, "\r\033[K%d lookups answered, %d servers probed…", lookups, probes)
	}
	return func() { fmt.Fprint(o.errw, "\r\033[K") }
}

func (o *output) discover(res *autoconfig.Result) error {
	if o.format == "json" {
		return writeJSON(o.w, newReport("discover", res, o.verbose))
	}
	return o.discoverText(res)
}
