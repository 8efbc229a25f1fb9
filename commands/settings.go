package commands

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// runSettings are the only input of the workflow the commands share: the
// network setup (netsetup.go), discovery (discovery.go) and test's
// diagnosis (test.go). The commands fill them from their flags
// (settingsFromFlags), serve from a module of its configuration
// (serve_config.go): a value the workflow reads is a field here, so a
// command cannot leave one out without saying so.
type runSettings struct {
	// The network.
	Resolver     string        // HOST[:PORT] of a DNS server; "" for the system's
	IPv4, IPv6   bool          // connect over one family only
	CAFile       string        // also trust the CAs of this PEM file
	ProbeTimeout time.Duration // one connection attempt
	Timeout      time.Duration // the whole run (check and serve: one target)
	// MailFrom is the sender of the relay check: the account's address,
	// "" when there is none.
	MailFrom string
	// DialCheck, when set, may refuse an address before a probe connects
	// (serve's rule on internal addresses, serve_dial.go).
	DialCheck func(ctx context.Context, ip netip.Addr) error

	// Discovery.
	BuiltinProviders []byte // the provider database built into the binary
	ProvidersFile    string // read this database instead of the built-in one
	ISPDBURL         string
	Skip             []autoconfig.Source // sources not asked
	NoProbe          bool                // rank what the sources say, unverified
	Concurrency      int                 // probes at once

	// The diagnosis.
	CertWarnDays int // warn when a certificate expires within this many days; 0: never
	Login        loginSettings
}

// loginSettings are test's: whether and how to log in, send and take a
// round trip. check and serve never log in: theirs are all zero.
type loginSettings struct {
	Login          bool
	Username       string
	PasswordStdin  bool // the password is the first line of standard input
	TokenStdin     bool // an OAuth2 token is
	AllowPlaintext bool // send the password over a connection without TLS
	TrustUntrusted bool // send it to servers only untrusted sources named
	Send           bool
	Roundtrip      bool
	RoundtripWait  time.Duration
}

// settingsFromFlags reads the command's flags into the workflow's
// settings. A flag the command does not define reads as its zero value.
// The flags' own checks (flags.go) ran before the command; what is
// checked here is what a flag's Action cannot see: a value of --skip is
// checked against the sources.
func settingsFromFlags(c *cli.Context) (runSettings, error) {
	s := runSettings{
		Resolver: c.String(flgResolver), IPv4: c.Bool(flgIPv4), IPv6: c.Bool(flgIPv6),
		CAFile: c.String(flgCAFile), ProbeTimeout: c.Duration(flgProbeTimeout), Timeout: c.Duration(flgTimeout),
		BuiltinProviders: buildInfo(c).Providers, ProvidersFile: c.String(flgProvidersFile),
		ISPDBURL: c.String(flgISPDBURL), NoProbe: c.Bool(flgNoProbe), Concurrency: c.Int(flgConcurrency),
		CertWarnDays: c.Int(flgCertWarnDays),
		Login: loginSettings{
			Login: c.Bool(flgLogin), Username: c.String(flgUsername),
			PasswordStdin: c.Bool(flgPasswordStdin), TokenStdin: c.Bool(flgTokenStdin),
			AllowPlaintext: c.Bool(flgAllowPlain), TrustUntrusted: c.Bool(flgTrustUntrust),
			Send: c.Bool(flgSend), Roundtrip: c.Bool(flgRoundtrip), RoundtripWait: c.Duration(flgRoundtripWait),
		},
	}
	if addr, err := autoconfig.ParseAddress(c.Args().First()); err == nil && c.NArg() == 1 {
		s.MailFrom = addr.String()
	}
	for _, name := range c.StringSlice(flgSkip) {
		if !autoconfig.KnownSource(autoconfig.Source(name)) {
			return s, usageError{fmt.Errorf("--skip %q: not a source", name)}
		}
		s.Skip = append(s.Skip, autoconfig.Source(name))
	}
	return s, nil
}
