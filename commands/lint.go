package commands

import (
	"context"
	"fmt"
	"os"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/lint"
	"github.com/urfave/cli/v2"
)

// lintFormats are the formats of lint; the first is the default.
var lintFormats = []string{"text", "json", "github"}

func lintCommand() *cli.Command {
	fs := globalFlags()
	for _, f := range fs {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == flgFormat {
			sf.Usage = "Print the result as text, json or github (workflow annotations)."
		}
	}
	return &cli.Command{
		Name:      "lint",
		Usage:     "what each mail client finds for a domain, and every publication checked",
		ArgsUsage: "DOMAIN|ADDRESS",
		Description: "Asks every discovery source once, probes every server named, then shows what Thunderbird,\n" +
			"Thunderbird for Android/K-9, Delta Chat and Outlook would each configure, from which publication,\n" +
			"whether it works and what to publish; and checks every publication (autoconfig, .well-known,\n" +
			"plain http, the ISPDB entry, autodiscover, SRV) for the mistakes that break clients.\n" +
			"A bare domain is linted as postmaster@DOMAIN (RFC 5321 section 4.5.1: every mail domain has one).\n" +
			"Exit status: 0 clean, 1 warnings with --fail-on warning, 2 a client would be misconfigured or a\n" +
			"publication has an error, 3 could not run. See docs/lint.md.",
		Flags: append(fs,
			&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
			&cli.StringSliceFlag{Name: flgSkip, Usage: "Do not ask this source (srv, autoconfig, well-known, autoconfig-http, ispdb, mx, autodiscover, providers, guess); repeatable."},
		),
		Action: runLint,
	}
}

func runLint(c *cli.Context) error {
	format := c.String(flgFormat)
	if !has(lintFormats, format) {
		return usageError{fmt.Errorf("--format %q: want one of %v", format, lintFormats)}
	}
	failOn := c.String(flgFailOn)
	if failOn != "error" && failOn != "warning" {
		return usageError{fmt.Errorf("--fail-on %q: want error or warning", failOn)}
	}
	addr, err := oneAddress(c)
	if err != nil {
		return err
	}
	if !addr.HasLocal() {
		// Autodiscover and ?emailaddress= need a mailbox; postmaster must
		// exist at every domain that takes mail (RFC 5321 section 4.5.1).
		addr.Local = "postmaster"
	}
	s, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	ns, err := newNetSetup(s)
	if err != nil {
		return err
	}
	opts, err := discoveryOptions(s, ns)
	if err != nil {
		return err
	}
	opts.Complete, opts.AutodiscoverGET = true, true
	out, err := newLintOutput(c, format)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Context, s.Timeout)
	defer cancel()
	stop := out.progress(opts)
	res, err := autoconfig.Discover(ctx, addr, opts)
	stop()
	if err != nil {
		return err
	}
	if dnsDead(res.Lookups) {
		return withHint(fmt.Errorf("the DNS resolver did not answer any question"),
			"check the network connection, or name a working resolver with --resolver HOST[:PORT]")
	}
	rep := lint.Run(res)
	switch format {
	case "json":
		err = writeJSON(out.w, newLintReport(res, rep, out.verbose))
	case "github":
		err = lintGitHub(out.w, res.Address, rep)
	default:
		err = out.lintText(res, rep)
	}
	if err != nil {
		return err
	}
	if st := lintExit(rep, failOn); st != exitOK {
		return exitStatus(st)
	}
	return nil
}

func newLintOutput(c *cli.Context, format string) (*output, error) {
	o := &output{w: c.App.Writer, errw: c.App.ErrWriter, format: format, verbose: c.Bool(flgVerbose), command: "lint"}
	o.pal = newPalette(isTerminal(o.w) && !c.Bool(flgNoColor) && os.Getenv("NO_COLOR") == "")
	o.errTTY = isTerminal(o.errw)
	return o, nil
}

// lintVerdict is the whole run's verdict: broken when a client would be
// misconfigured or a publication has an error, warning when anything
// else is not clean.
func lintVerdict(rep *lint.Report) lint.Status {
	st := lint.StatusOK
	for _, r := range rep.Clients {
		switch r.Status {
		case lint.StatusBroken:
			return lint.StatusBroken
		case lint.StatusWarning:
			st = lint.StatusWarning
		}
	}
	for _, f := range rep.Findings {
		switch f.Severity {
		case autoconfig.SeverityError:
			return lint.StatusBroken
		case autoconfig.SeverityWarning:
			st = lint.StatusWarning
		}
	}
	return st
}

// lintExit maps the verdict to the exit status table (DESIGN.md).
func lintExit(rep *lint.Report, failOn string) int {
	switch lintVerdict(rep) {
	case lint.StatusBroken:
		return exitProblem
	case lint.StatusWarning:
		if failOn == "warning" {
			return exitWarning
		}
	}
	return exitOK
}

// lintReport is lint's postino/v1 JSON: discovery's envelope (lookups,
// candidates with their probes) plus the matrix and the publications;
// findings are lint's.
type lintReport struct {
	*report
	Status       lint.Status          `json:"status"`
	Clients      []lint.ClientRow     `json:"clients"`
	Publications []lint.Publication   `json:"publications"`
	Findings     []autoconfig.Finding `json:"findings"`
}

func newLintReport(res *autoconfig.Result, rep *lint.Report, verbose bool) *lintReport {
	r := &lintReport{report: newReport("lint", res, verbose), Status: lintVerdict(rep),
		Clients: rep.Clients, Publications: rep.Publications, Findings: rep.Findings}
	if r.Findings == nil {
		r.Findings = []autoconfig.Finding{}
	}
	if r.Publications == nil {
		r.Publications = []lint.Publication{}
	}
	return r
}
