package commands

import (
	"fmt"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

func discoverCommand() *cli.Command {
	return &cli.Command{
		Name:      "discover",
		Usage:     "ask every discovery source at once, probe what they name, recommend settings",
		ArgsUsage: "ADDRESS|DOMAIN",
		Description: "Asks the built-in provider database, DNS SRV records (RFC 6186/8314), Mozilla autoconfig,\n" +
			"the Thunderbird ISPDB, the MX host's provider, Outlook autodiscover and guessing, all at once;\n" +
			"probes every server they name and recommends, for the incoming and the outgoing side, the best\n" +
			"one that really works.",
		Flags:  append(globalFlags(), discoveryFlags()...),
		Action: runDiscover,
	}
}

func runDiscover(c *cli.Context) error {
	addr, err := oneAddress(c)
	if err != nil {
		return err
	}
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	s, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	res, err := runDiscovery(c.Context, s, addr, out.progress)
	if err != nil {
		return err
	}
	if err := out.discover(res); err != nil {
		return err
	}
	if err := dnsDeadError(c, res); err != nil {
		return err
	}
	return exitFor(c, res.Incoming.Status, res.Outgoing.Status)
}

// dnsDeadError is the error of a run whose DNS questions all went
// unanswered: it says nothing about the domain (exit 3). With --no-probe
// the run never meant to use the network: what the provider database
// found stands, with a warning.
func dnsDeadError(c *cli.Context, res *autoconfig.Result) error {
	if !dnsDead(res.Lookups) {
		return nil
	}
	if c.Bool(flgNoProbe) && (res.Incoming.Recommended != nil || res.Outgoing.Recommended != nil) {
		fmt.Fprintln(c.App.ErrWriter, "postino: warning: the DNS resolver did not answer any question: the settings come from the built-in provider database alone")
		return nil
	}
	return withHint(fmt.Errorf("the DNS resolver did not answer any question"),
		"check the network connection, or name a working resolver with --resolver HOST[:PORT]")
}

// dnsDead reports whether every DNS question went unanswered: then the
// run says nothing about the domain, only about the network (exit 3).
func dnsDead(lks []autoconfig.Lookup) bool {
	n := 0
	for _, lk := range lks {
		switch lk.Source {
		case autoconfig.SourceSRV, autoconfig.SourceMX, autoconfig.SourceGuess:
			if lk.Outcome != autoconfig.OutcomeError || (lk.ErrorKind != "timeout" && lk.ErrorKind != "unreachable") {
				return false
			}
			n++
		}
	}
	return n > 0
}

// oneAddress reads the single ADDRESS|DOMAIN argument.
func oneAddress(c *cli.Context) (autoconfig.Address, error) {
	if c.NArg() != 1 {
		return autoconfig.Address{}, usageError{fmt.Errorf("%s needs exactly one address or domain, got %d arguments", c.Command.Name, c.NArg())}
	}
	addr, err := autoconfig.ParseAddress(c.Args().First())
	if err != nil {
		return addr, withHint(usageError{err}, "give an address like alice@example.com or a domain like example.com")
	}
	return addr, nil
}

// exitFor maps the paths' verdicts to the exit status table.
func exitFor(c *cli.Context, statuses ...autoconfig.Status) error {
	worst := exitOK
	for _, s := range statuses {
		switch s {
		case autoconfig.StatusBroken:
			worst = max(worst, exitProblem)
		case autoconfig.StatusUnknown:
			// Not verified is a problem unless the user asked not to verify.
			if !c.Bool(flgNoProbe) {
				worst = max(worst, exitProblem)
			}
		case autoconfig.StatusWarning:
			if c.String(flgFailOn) == "warning" {
				worst = max(worst, exitWarning)
			}
		}
	}
	if worst == exitOK {
		return nil
	}
	return exitStatus(worst)
}
