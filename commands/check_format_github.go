package commands

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// checkGitHub prints GitHub Actions workflow commands: one annotation per
// problem (::error for a failed check or a target that could not be
// tested, ::warning for a warning), and, when GITHUB_STEP_SUMMARY names a
// file, appends a Markdown table of every target to it as results arrive.
type checkGitHub struct {
	o       checkFormatOptions
	summary io.WriteCloser // nil without GITHUB_STEP_SUMMARY
	err     error          // the first error writing the summary
}

func newCheckGitHub(o checkFormatOptions) (*checkGitHub, error) {
	g := &checkGitHub{o: o}
	env := o.env
	if env == nil {
		env = os.Getenv
	}
	if path := env("GITHUB_STEP_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
		g.summary = f
		_, g.err = io.WriteString(f, "### postino check\n\n| target | state | incoming | outgoing |\n| --- | --- | --- | --- |\n")
	}
	return g, nil
}

// ghData escapes an annotation's message as @actions/core does
// (command.ts escapeData): %, CR and LF.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value (title, file): ghData plus : and ,
// (command.ts escapeProperty).
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func (g *checkGitHub) annotate(level, title, msg string) error {
	_, err := fmt.Fprintf(g.o.w, "::%s title=%s::%s\n", level, ghProperty(title), ghData(msg))
	return err
}

func (g *checkGitHub) result(r *checkResult) error {
	g.row(r)
	target := displayLine(r.Target)
	if r.Report == nil {
		return g.annotate("error", "postino check "+target, "could not test "+target+": "+errText(r.Err))
	}
	for _, it := range checkItems(r) {
		level := ""
		switch it.Outcome {
		case outcomeFail, outcomeErr:
			level = "error"
		case outcomeWarn:
			level = "warning"
		}
		// Failed phases are explained by the findings; annotate those.
		if level == "" || it.Phase {
			continue
		}
		title := strings.TrimSpace(fmt.Sprintf("postino %s %s %s", target, it.Side, it.Server))
		msg := it.Name + ": " + it.Message
		if it.Hint != "" {
			msg += "\nhint: " + it.Hint
		}
		if err := g.annotate(level, title, msg); err != nil {
			return err
		}
	}
	if r.State == stateOK {
		_, err := fmt.Fprintf(g.o.w, "postino check %s: OK\n", target)
		if err != nil {
			return err
		}
	}
	return nil
}

// row appends the target's line to the step summary.
func (g *checkGitHub) row(r *checkResult) {
	if g.summary == nil || g.err != nil {
		return
	}
	cell := func(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
	in, out := "-", "-"
	if r.Report != nil {
		for _, s := range r.sides() {
			txt := pathSummary(s)
			if s.name == autoconfig.Incoming {
				in = txt
			} else {
				out = txt
			}
		}
	} else {
		in = "could not test: " + errText(r.Err)
	}
	_, g.err = fmt.Fprintf(g.summary, "| %s | %s | %s | %s |\n", cell(displayLine(r.Target)), r.State, cell(in), cell(out))
}

func (g *checkGitHub) finish(s *checkSummary) error {
	if g.summary != nil {
		if g.err == nil {
			_, g.err = fmt.Fprintf(g.summary, "\n%d targets: %d ok, %d warning, %d critical, %d unknown\n\n", s.Targets, s.OK, s.Warning, s.Critical, s.Unknown)
		}
		if err := g.summary.Close(); g.err == nil {
			g.err = err
		}
		if g.err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", g.err)
		}
	}
	_, err := fmt.Fprintf(g.o.w, "postino check: %d targets: %d ok, %d warning, %d critical, %d unknown\n", s.Targets, s.OK, s.Warning, s.Critical, s.Unknown)
	return err
}
