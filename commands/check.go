package commands

import (
	"fmt"
	"os"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/urfave/cli/v2"
)

// Flags of `postino check`.
const (
	flgCertCritDays = "cert-crit-days"
	flgWarnTime     = "warn-time"
	flgCritTime     = "crit-time"
	flgRequire      = "require"
	flgIgnore       = "ignore"
)

// checkFormats are the formats of check; the first is the default.
var checkFormats = []string{"text", "json", "junit", "nagios", "prometheus", "github"}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "test accounts and servers as a health check: exit status, thresholds, CI and monitoring formats",
		ArgsUsage: "TARGET…  (alice@example.com, example.com, imaps://host:993, submission://host:587, … or - for standard input)",
		Description: "Runs postino test's checks (without login) on every target and gives one verdict per target and\n" +
			"path. A target is an address or a domain (both paths, found by discovery) or one server:\n" +
			"imap://, imaps://, pop3://, pop3s://, submission://, submissions://, smtps://, smtp://HOST[:PORT].\n" +
			"Exit status: 0 all passed, 1 warnings only with --fail-on warning (the default with --format nagios),\n" +
			"2 a check failed, 3 a target could not be tested. --timeout is each target's budget.\n" +
			"Formats: text, json, junit, nagios, prometheus, github. See docs/check.md.",
		Flags: append(checkGlobalFlags(),
			&cli.StringFlag{Name: flgFrom, Usage: "Read targets from this file, one a line (# starts a comment); - is standard input."},
			&cli.StringFlag{Name: flgOutput, Aliases: []string{"o"}, Usage: "Write --format's output to this file (replaced atomically when the run ends) instead of standard output."},
			&cli.StringSliceFlag{Name: flgWrite, Usage: "Also write FORMAT to FILE (replaced atomically), as FORMAT=FILE; repeat for more: --write junit=postino.xml."},
			&cli.IntFlag{Name: flgCertWarnDays, Value: probe.DefaultCertWarnDays, Usage: "Warn when a certificate expires within this many days (0: never).", Action: atLeast(flgCertWarnDays, 0)},
			&cli.IntFlag{Name: flgCertCritDays, Usage: "Fail when a certificate expires within this many days (0: only when expired).", Action: atLeast(flgCertCritDays, 0)},
			&cli.DurationFlag{Name: flgWarnTime, Usage: "Warn when a server takes longer than this from connect to capabilities.", Action: notNegative(flgWarnTime)},
			&cli.DurationFlag{Name: flgCritTime, Usage: "Fail when a server takes longer than this from connect to capabilities.", Action: notNegative(flgCritTime)},
			&cli.StringSliceFlag{Name: flgRequire, Usage: "Make these findings fatal: codes or starttls, ipv6, ipv4, cert (comma-separated or repeated)."},
			&cli.StringSliceFlag{Name: flgIgnore, Usage: "Drop these findings: codes or aliases as for --require."},
			&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
		),
		Action: runCheck,
	}
}

func runCheck(c *cli.Context) error {
	format := c.String(flgFormat)
	if !has(checkFormats, format) {
		return usageError{fmt.Errorf("--format %q: want one of %v", format, checkFormats)}
	}
	failOn := c.String(flgFailOn)
	if format == "nagios" && !c.IsSet(flgFailOn) {
		// A plugin that printed WARNING must exit 1, or Nagios shows OK.
		failOn = "warning"
	}
	if failOn != "error" && failOn != "warning" {
		return usageError{fmt.Errorf("--fail-on %q: want error or warning", failOn)}
	}
	pol, err := checkPolicyFromFlags(c)
	if err != nil {
		return err
	}
	args := c.Args().Slice()
	from := c.String(flgFrom)
	if (from == "") == (len(args) == 0) {
		return withHint(usageError{fmt.Errorf("check needs targets as arguments or --from FILE, not both or neither")},
			"postino check alice@example.com imaps://mail.example.com:993, or --from targets.txt")
	}
	for _, a := range args {
		if t := parseTarget(a); t.err != nil && a != "-" {
			return withHint(usageError{fmt.Errorf("target %q: %w", a, t.err)}, "give an address, a domain or SCHEME://HOST[:PORT]")
		}
	}
	s, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	// --concurrency counts targets here, and one runner serves every
	// target: no target's address is the relay check's sender.
	n := c.Int(flgConcurrency)
	s.Concurrency, s.MailFrom = checkDiscoveryConcurrency, ""
	runner, err := newCheckRunner(s, pol)
	if err != nil {
		return err
	}
	single := from == "" && len(args) == 1 && args[0] != "-"
	fmtr, err := openCheckOutputs(c, format, checkFormatOptions{
		verbose: c.Bool(flgVerbose), single: single, failOn: failOn, policy: pol, env: os.Getenv,
	})
	if err != nil {
		return err
	}
	defer fmtr.abort()
	src, err := targetSource(c.Context, args, from, c.App.Reader)
	if err != nil {
		return err
	}
	sum := newSummary(failOn)
	prog := newCheckProgress(c.App.ErrWriter, countTargets(args, from))
	err = runChecks(c.Context, src, n, runner.run, func(r *checkResult) error {
		sum.add(r)
		prog.clear() // a result never lands on the progress line
		err := fmtr.result(r)
		prog.update(sum)
		return err
	})
	prog.clear()
	if err != nil {
		return err
	}
	if sum.Targets == 0 {
		return withHint(fmt.Errorf("no targets in the input"), "write one target a line; # starts a comment")
	}
	if c.Context.Err() != nil {
		// Interrupted: the results are partial, the files keep the last
		// complete run's (a textfile collector must not read a half run).
		fmtr.abort()
	}
	if err := fmtr.finish(sum); err != nil {
		return err
	}
	if st := sum.exitStatus(); st != exitOK {
		return exitStatus(st)
	}
	return nil
}

// checkDiscoveryConcurrency bounds the probes of one target's discovery
// in check and serve, whose --concurrency (--max-concurrent) counts
// targets.
const checkDiscoveryConcurrency = 16

// checkGlobalFlags are the global flags with the meaning they have in
// check: --timeout is one target's budget (a list of thousands has no
// useful whole-run deadline), --concurrency counts targets.
func checkGlobalFlags() []cli.Flag {
	fs := globalFlags()
	for _, f := range fs {
		switch f := f.(type) {
		case *cli.DurationFlag:
			if f.Name == flgTimeout {
				f.Usage = "Give up on one target after this long."
			}
		case *cli.IntFlag:
			if f.Name == flgConcurrency {
				f.Usage = "Check at most this many targets at once."
			}
		case *cli.StringFlag:
			if f.Name == flgFormat {
				f.Usage = "Print the results as text, json, junit, nagios, prometheus or github."
			}
		}
	}
	return fs
}

func checkPolicyFromFlags(c *cli.Context) (checkPolicy, error) {
	req, err := expandCodes(flgRequire, c.StringSlice(flgRequire))
	if err != nil {
		return checkPolicy{}, err
	}
	ign, err := expandCodes(flgIgnore, c.StringSlice(flgIgnore))
	if err != nil {
		return checkPolicy{}, err
	}
	p := checkPolicy{CertWarnDays: c.Int(flgCertWarnDays), CertCritDays: c.Int(flgCertCritDays),
		WarnTime: c.Duration(flgWarnTime), CritTime: c.Duration(flgCritTime), Require: req, Ignore: ign}
	if p.CertCritDays > 0 && p.CertWarnDays > 0 && p.CertCritDays > p.CertWarnDays {
		return p, usageError{fmt.Errorf("--cert-crit-days %d is more than --cert-warn-days %d", p.CertCritDays, p.CertWarnDays)}
	}
	if p.CritTime > 0 && p.WarnTime > p.CritTime {
		return p, usageError{fmt.Errorf("--warn-time %s is more than --crit-time %s", p.WarnTime, p.CritTime)}
	}
	return p, nil
}
