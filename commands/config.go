package commands

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// Flags of postino config.
const (
	flgClient = "client"
	flgOutput = "output"
	flgFrom   = "from"
)

// configWriters are the formats of postino config; text is handled apart
// because it takes --client.
var configWriters = map[string]func(io.Writer, autoconfig.Settings) ([]autoconfig.Loss, error){
	"thunderbird":  autoconfig.WriteThunderbird,
	"autodiscover": autoconfig.WriteAutodiscover,
	"mobileconfig": autoconfig.WriteMobileconfig,
	"json":         autoconfig.WriteJSON,
	"dns":          autoconfig.WriteDNS,
}

const configFormatList = "thunderbird, autodiscover, mobileconfig, json, text or dns"

// maxFromSize bounds what --from reads; the parser has its own, lower
// limit and says so in its error.
const maxFromSize = 32 << 20

func configCommand() *cli.Command {
	// config gives --format its own meaning (the file to write), so the
	// global text|json flag is left out and replaced, for this command only.
	flags := append(globalFlagsExcept(flgFormat),
		&cli.StringFlag{Name: flgFormat, Value: "text", Usage: "Write the settings as " + configFormatList + "."},
		&cli.StringFlag{Name: flgClient, Usage: "With --format text, use the words of this client: " + strings.Join(autoconfig.TextClients, ", ") + "."},
		&cli.StringFlag{Name: flgOutput, Aliases: []string{"o"}, Usage: "Write to this file (replaced atomically) instead of standard output."},
		&cli.StringFlag{Name: flgFrom, Usage: "Read the settings from this postino JSON file (discover or config --format json; - for standard input) instead of discovering them."},
	)
	return &cli.Command{
		Name:      "config",
		Usage:     "write the settings as a client config file, DNS records or instructions for a client",
		ArgsUsage: "ADDRESS|DOMAIN",
		Description: "Discovers and probes the settings like postino discover (or reads them with --from), then\n" +
			"writes them as a Thunderbird autoconfig file (thunderbird), an Outlook autodiscover response\n" +
			"(autodiscover), an Apple configuration profile without password (mobileconfig), postino's\n" +
			"JSON (json), the fields to fill in a client (text; --client names the client), or the DNS\n" +
			"records that make the domain discoverable (dns). Whatever a format cannot express is said on\n" +
			"standard error.",
		Flags:  append(flags, discoveryFlags()...),
		Action: runConfig,
	}
}

func runConfig(c *cli.Context) error {
	format, client := c.String(flgFormat), c.String(flgClient)
	if _, ok := configWriters[format]; !ok && format != "text" {
		return usageError{fmt.Errorf("--format %q: want %s", format, configFormatList)}
	}
	if client != "" && format != "text" {
		return usageError{fmt.Errorf("--client %q goes with --format text, not %s", client, format)}
	}
	if client != "" && !knownClient(client) {
		return usageError{fmt.Errorf("--client %q: want one of %s", client, strings.Join(autoconfig.TextClients, ", "))}
	}
	if f := c.String(flgFailOn); f != "error" && f != "warning" {
		return usageError{fmt.Errorf("--fail-on %q: want error or warning", f)}
	}
	st, losses, err := configSettings(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	var more []autoconfig.Loss
	if format == "text" {
		more, err = autoconfig.WriteText(&b, st, client)
	} else {
		more, err = configWriters[format](&b, st)
	}
	losses = append(losses, more...)
	warnLosses(c.App.ErrWriter, losses)
	status := reportCaveats(c, st)
	if errors.Is(err, autoconfig.ErrIncomplete) {
		fmt.Fprintf(c.App.ErrWriter, "postino: error: %v\n", err)
		fmt.Fprintf(c.App.ErrWriter, "postino: hint: run 'postino discover %s' to see what each source answered\n", st.Address)
		return exitStatus(exitProblem)
	}
	if err != nil {
		return err
	}
	if path := c.String(flgOutput); path != "" {
		if err := writeFileAtomic(path, b.Bytes()); err != nil {
			return err
		}
	} else if _, err := c.App.Writer.Write(b.Bytes()); err != nil {
		return err
	}
	if status != exitOK {
		return exitStatus(status)
	}
	return nil
}

func knownClient(name string) bool {
	for _, c := range autoconfig.TextClients {
		if c == name {
			return true
		}
	}
	return false
}

// configSettings discovers the settings for the address, or reads them
// from --from; with --from, an address re-targets them to another mailbox
// of the same domain.
func configSettings(c *cli.Context) (autoconfig.Settings, []autoconfig.Loss, error) {
	from := c.String(flgFrom)
	if from == "" {
		addr, err := oneAddress(c)
		if err != nil {
			return autoconfig.Settings{}, nil, err
		}
		s, err := settingsFromFlags(c)
		if err != nil {
			return autoconfig.Settings{}, nil, err
		}
		term := &output{errw: c.App.ErrWriter, errTTY: fancyTerminal(c.App.ErrWriter)}
		res, err := runDiscovery(c.Context, s, addr, term.progress)
		if err != nil {
			return autoconfig.Settings{}, nil, err
		}
		if err := dnsDeadError(c, res); err != nil {
			return autoconfig.Settings{}, nil, err
		}
		return autoconfig.SettingsFromResult(res), nil, nil
	}
	if c.NArg() > 1 {
		return autoconfig.Settings{}, nil, usageError{fmt.Errorf("config --from takes at most one address, got %d arguments", c.NArg())}
	}
	data, err := readFrom(c, from)
	if err != nil {
		return autoconfig.Settings{}, nil, err
	}
	st, err := autoconfig.ParseSettingsJSON(data)
	if err != nil {
		return st, nil, withHint(fmt.Errorf("--from %s: %w", from, err),
			"--from reads what 'postino discover ADDRESS --format json' or 'postino config ADDRESS --format json' prints")
	}
	if c.NArg() == 0 {
		return st, nil, nil
	}
	addr, err := oneAddress(c)
	if err != nil {
		return st, nil, err
	}
	st, losses, err := st.ForAddress(addr)
	if err != nil {
		return st, nil, usageError{err}
	}
	return st, losses, nil
}

// readFrom reads the --from file, "-" being standard input.
func readFrom(c *cli.Context, path string) ([]byte, error) {
	r := c.App.Reader
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError{fmt.Errorf("--from: %w", err)}
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFromSize))
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", path, err)
	}
	return data, nil
}

// warnLosses says on standard error what the format could not express:
// never silently.
func warnLosses(w io.Writer, losses []autoconfig.Loss) {
	for _, l := range losses {
		fmt.Fprintf(w, "postino: warning: %s\n", l)
	}
}

// reportCaveats repeats discovery's verdict on each path, so that a
// config written for a server with a bad certificate or from an untrusted
// source does not look fine, and returns the exit status it deserves. A
// path without a verdict (a config document read with --from) is not
// judged.
func reportCaveats(c *cli.Context, st autoconfig.Settings) int {
	w := c.App.ErrWriter
	for _, f := range st.Caveats {
		level := "warning"
		if f.Severity == autoconfig.SeverityError {
			level = "error"
		}
		fmt.Fprintf(w, "postino: %s: %s: %s\n", level, f.Side, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(w, "postino: hint: %s\n", f.Hint)
		}
	}
	status := exitOK
	for _, p := range []struct {
		name    string
		status  autoconfig.Status
		servers []autoconfig.Server
	}{{"incoming", st.IncomingStatus, st.Incoming}, {"outgoing", st.OutgoingStatus, st.Outgoing}} {
		switch {
		case p.status == autoconfig.StatusBroken:
			status = max(status, exitProblem)
		case p.status == autoconfig.StatusWarning && c.String(flgFailOn) == "warning":
			status = max(status, exitWarning)
		}
		if len(p.servers) == 0 && p.status != autoconfig.StatusBroken {
			fmt.Fprintf(w, "postino: warning: the settings have no %s server\n", p.name)
		}
		if len(p.servers) > 0 && p.servers[0].Security == autoconfig.SecurityNone {
			fmt.Fprintf(w, "postino: warning: %s: %s has no encryption: the password and the mail cross the network readable by anyone on the way\n", p.name, p.servers[0])
			fmt.Fprintf(w, "postino: hint: ask the provider for TLS (port 993, 995 or 465) or STARTTLS; without it, use the account only on a network you trust\n")
		}
	}
	return status
}
