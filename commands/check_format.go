package commands

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// checkFormatter writes check's results in one format as they arrive, in
// input order, and closes the output with the summary. Formatters hold no
// reports: at most a few lines per target where the format puts totals
// first (nagios, prometheus).
type checkFormatter interface {
	result(r *checkResult) error
	finish(s *checkSummary) error
}

type checkFormatOptions struct {
	w       io.Writer
	colour  bool
	verbose bool
	// width fits text lines to the terminal; 0 for full lines.
	width int
	// single: one target was named on the command line; json then prints
	// one report rather than a list.
	single bool
	failOn string
	policy checkPolicy
	env    func(string) string // os.Getenv, or a test's
	// now and hostname are fixed by golden tests; zero means the real
	// ones.
	now      func() time.Time
	hostname string
}

func newCheckFormatter(format string, o checkFormatOptions) (checkFormatter, error) {
	switch format {
	case "text":
		o.w = newFitWriter(o.w, o.width, true)
		return &checkText{o: o, pal: newPalette(o.colour)}, nil
	case "json":
		return newCheckJSON(o), nil
	case "junit":
		return newCheckJUnit(o)
	case "nagios":
		return &checkNagios{o: o}, nil
	case "prometheus":
		return newCheckPrometheus(o), nil
	case "github":
		return newCheckGitHub(o)
	}
	return nil, fmt.Errorf("no formatter for %q", format)
}

// checkText is one line per target with both paths' verdicts, and on a
// problem the findings that explain it.
type checkText struct {
	o   checkFormatOptions
	pal palette
}

func (t *checkText) stateWord(s checkState) string {
	w := fmt.Sprintf("%-8s", s)
	switch s {
	case stateOK:
		return t.pal.ok(w)
	case stateWarning:
		return t.pal.warn(w)
	}
	return t.pal.bad(w)
}

func (t *checkText) result(r *checkResult) error {
	ew := &errWriter{w: t.o.w}
	if r.Report == nil {
		ew.printf("%s %s  could not test: %s\n", t.stateWord(r.State), displayLine(r.Target), printableDetail(errText(r.Err)))
		return ew.err
	}
	var paths []string
	for _, s := range r.sides() {
		paths = append(paths, string(s.name)+" "+pathSummary(s))
	}
	ew.printf("%s %s  %s  %s\n", t.stateWord(r.State), displayLine(r.Target), strings.Join(paths, "  "), t.pal.dim(ms(r.Report.Duration)))
	if r.State == stateOK && !t.o.verbose {
		return ew.err
	}
	items := checkItems(r)
	// A failed phase and the finding that explains it say the same thing:
	// without -v only the finding is shown, unless no finding explains it.
	explained := false
	for _, it := range items {
		explained = explained || (!it.Phase && (it.Outcome == outcomeFail || it.Outcome == outcomeErr))
	}
	for _, it := range items {
		if it.Outcome == outcomePass && !t.o.verbose || it.Outcome == outcomeSkip || it.Phase && explained && !t.o.verbose {
			continue
		}
		mark := map[outcome]string{outcomePass: t.pal.ok("ok   "), outcomeWarn: t.pal.warn("warn "), outcomeFail: t.pal.bad("FAIL "), outcomeErr: t.pal.bad("ERROR")}[it.Outcome]
		ew.printf("    %s %-9s %s: %s\n", mark, it.Side, it.Name, printableDetail(it.Message))
		if it.Hint != "" && it.Outcome != outcomePass {
			ew.printf("          %s\n", t.pal.dim("hint: "+it.Hint))
		}
	}
	return ew.err
}

func (t *checkText) finish(s *checkSummary) error {
	if t.o.single {
		return nil
	}
	_, err := fmt.Fprintf(t.o.w, "\n%d targets: %d ok, %d warning, %d critical, %d unknown (%s)\n",
		s.Targets, s.OK, s.Warning, s.Critical, s.Unknown, ms(s.Duration))
	return err
}
