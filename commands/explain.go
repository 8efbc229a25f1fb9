package commands

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:        "explain",
		Usage:       "print the full explanation and fix of a finding code",
		ArgsUsage:   "[CODE]",
		Description: "Without CODE, lists every finding code. docs/findings.md holds the same text.",
		Flags:       globalFlagsOnly(flgFormat, flgNoColor),
		Action:      runExplain,
	}
}

// explainJSON is the postino/v1 document of one catalogue entry.
type explainJSON struct {
	Schema      string `json:"schema"`
	Command     string `json:"command"`
	Code        string `json:"code"`
	Severity    string `json:"severity"`
	Message     string `json:"message"`
	Explanation string `json:"explanation"`
	Fix         string `json:"fix"`
}

func runExplain(c *cli.Context) error {
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	if c.NArg() > 1 {
		return usageError{fmt.Errorf("explain takes one finding code, got %d arguments", c.NArg())}
	}
	if c.NArg() == 0 {
		return out.explainList()
	}
	code := c.Args().First()
	e, ok := autoconfig.LookupFinding(code)
	if !ok {
		hint := didYouMean(similarCodes(code)) + "run 'postino explain' for the list of codes"
		return withHint(usageError{fmt.Errorf("unknown finding code %q", code)}, hint)
	}
	if out.format == "json" {
		return writeJSON(out.w, explainJSON{Schema: SchemaV1, Command: "explain", Code: e.Code, Severity: string(e.Severity),
			Message: e.Message, Explanation: e.Explanation, Fix: e.Hint})
	}
	ew := &errWriter{w: out.w}
	ew.printf("%s (%s)\n", out.pal.bold(e.Code), e.Severity)
	ew.printf("  %s\n\n", e.Message)
	ew.printf("%s\n\n", wrap(e.Explanation, 78))
	ew.printf("%s %s\n", out.pal.bold("Fix:"), wrap(e.Hint, 73))
	return ew.err
}

func (o *output) explainList() error {
	es := autoconfig.FindingDefs()
	if o.format == "json" {
		list := make([]explainJSON, len(es))
		for i, e := range es {
			list[i] = explainJSON{Schema: SchemaV1, Command: "explain", Code: e.Code, Severity: string(e.Severity), Message: e.Message, Explanation: e.Explanation, Fix: e.Hint}
		}
		return writeJSON(o.w, list)
	}
	ew := &errWriter{w: o.w}
	for _, e := range es {
		ew.printf("%-36s %-8s %s\n", e.Code, e.Severity, e.Message)
	}
	return ew.err
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		l := len([]rune(w))
		if i > 0 && n+1+l > width {
			b.WriteString("\n")
			n = 0
		} else if i > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += l
	}
	return b.String()
}
