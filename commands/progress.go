package commands

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"
)

// checkProgress is check's one-line counter on standard error, only on a
// terminal that takes control sequences: pipes, CI logs and TERM=dumb
// stay clean.
type checkProgress struct {
	w     io.Writer
	on    bool
	total int // 0: not known (targets from standard input)
	start time.Time
	last  time.Time
	drawn bool // the line is on the screen
}

func newCheckProgress(w io.Writer, total int) *checkProgress {
	return &checkProgress{w: w, on: fancyTerminal(w), total: total, start: time.Now()}
}

func (p *checkProgress) update(s *checkSummary) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.drawn = time.Now(), true
	fmt.Fprintf(p.w, "\r\033[K%s", progressLine(s, p.total, time.Since(p.start)))
}

// clear erases the line, before a result is printed and at the end.
func (p *checkProgress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// progressLine is "570/2000 checked, about 12 s left: 560 ok, …", the time
// left estimated from the pace so far.
func progressLine(s *checkSummary, total int, elapsed time.Duration) string {
	head := fmt.Sprintf("%d checked", s.Targets)
	if total > 0 {
		head = fmt.Sprintf("%d/%d checked", s.Targets, total)
		if s.Targets > 0 && s.Targets < total {
			left := elapsed / time.Duration(s.Targets) * time.Duration(total-s.Targets)
			head += ", about " + roughDuration(left) + " left"
		}
	}
	return fmt.Sprintf("%s: %d ok, %d warning, %d critical, %d unknown…", head, s.OK, s.Warning, s.Critical, s.Unknown)
}

// roughDuration says d the way a person estimates: seconds, then minutes.
func roughDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", max(1, int(d.Round(time.Second)/time.Second)))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}

// countTargets is how many targets check will run: the arguments, or the
// target lines of the --from file; 0 when they come from standard input
// and cannot be counted before they are read.
func countTargets(args []string, from string) int {
	switch {
	case from == "-" || from == "" && len(args) == 1 && args[0] == "-":
		return 0
	case from == "":
		return len(args)
	}
	f, err := os.Open(from)
	if err != nil {
		return 0 // targetSource reports it
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if targetLine(sc.Text()) != "" {
			n++
		}
	}
	return n
}

// checkWidth is the width check's text fits its lines to: the terminal's,
// or 0 for full lines with -v or when the output is not a terminal.
func checkWidth(c *cli.Context) int {
	if c.Bool(flgVerbose) {
		return 0
	}
	return terminalWidth(c.App.Writer)
}
