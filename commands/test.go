package commands

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/urfave/cli/v2"
)

// Flags of `postino test`.
const (
	flgIMAP          = "imap"
	flgPOP3          = "pop3"
	flgSMTP          = "smtp"
	flgSecurity      = "security"
	flgLogin         = "login"
	flgUsername      = "username"
	flgPasswordStdin = "password-stdin"
	flgTokenStdin    = "oauth2-token-stdin"
	flgAllowPlain    = "allow-plaintext-auth"
	flgTrustUntrust  = "trust-untrusted"
	flgSend          = "send"
	flgRoundtrip     = "roundtrip"
	flgRoundtripWait = "roundtrip-wait"
	flgCertWarnDays  = "cert-warn-days"
)

func testCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "test the incoming and outgoing paths of an account, phase by phase",
		ArgsUsage: "ADDRESS",
		Description: "Finds the account's servers with discover (or takes them from --imap, --pop3, --smtp) and\n" +
			"tests each on every address, IPv4 and IPv6 apart: DNS, TCP, TLS and the certificate, greeting,\n" +
			"capabilities before and after STARTTLS, and, when asked, login, sending and a round trip.\n" +
			"INCOMING and OUTGOING each get their own verdict. The password comes from a prompt,\n" +
			"--password-stdin or " + envPassword + ", never from an argument.",
		Flags: append(globalFlags(),
			&cli.StringFlag{Name: flgIMAP, Usage: "Test this IMAP server (HOST[:PORT]) instead of discovering one."},
			&cli.StringFlag{Name: flgPOP3, Usage: "Test this POP3 server (HOST[:PORT]) instead of discovering one."},
			&cli.StringFlag{Name: flgSMTP, Usage: "Test this SMTP submission server (HOST[:PORT]) instead of discovering one."},
			&cli.StringFlag{Name: flgSecurity, Usage: "Connect to the servers named with tls, starttls or none (default: by port)."},
			&cli.BoolFlag{Name: flgLogin, Usage: "Log in (password from a prompt, --password-stdin or " + envPassword + ")."},
			&cli.StringFlag{Name: flgUsername, Usage: "Log in as this user (default: the server's username form, else the address)."},
			&cli.BoolFlag{Name: flgPasswordStdin, Usage: "Read the password from the first line of standard input."},
			&cli.BoolFlag{Name: flgTokenStdin, Usage: "Read an OAuth2 access token from standard input (XOAUTH2, OAUTHBEARER); " + envOAuth2Token + " works too."},
			&cli.BoolFlag{Name: flgAllowPlain, Usage: "Allow sending the password over a connection without TLS."},
			&cli.BoolFlag{Name: flgTrustUntrust, Usage: "Send the password to servers that only untrusted sources named."},
			&cli.BoolFlag{Name: flgSend, Usage: "Log in and send a test message to the account itself."},
			&cli.BoolFlag{Name: flgRoundtrip, Usage: "Send a test message, wait for it over IMAP or POP3, then delete it."},
			&cli.DurationFlag{Name: flgRoundtripWait, Value: probe.DefaultRoundtripWait, Usage: "Wait this long for the round-trip message.", Action: notNegative(flgRoundtripWait)},
			&cli.IntFlag{Name: flgCertWarnDays, Value: probe.DefaultCertWarnDays, Usage: "Warn when a certificate expires within this many days.", Action: atLeast(flgCertWarnDays, 0)},
			&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
		),
		Action: runTest,
	}
}

// target is one server to diagnose and what is known about it.
type target struct {
	srv     autoconfig.Server
	trusted bool
	sources []autoconfig.Source
}

// testRun is the state of one `postino test`.
type testRun struct {
	addr     autoconfig.Address
	in, out  []target
	asked    map[autoconfig.Side]bool // sides the user asked for
	disc     *autoconfig.Result
	findings []autoconfig.Finding
}

func runTest(c *cli.Context) error {
	start := time.Now()
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
	ns, err := newNetSetup(s)
	if err != nil {
		return err
	}
	run := &testRun{addr: addr, asked: map[autoconfig.Side]bool{}}
	if err := run.namedServers(c); err != nil {
		return err
	}
	lg := s.Login
	login := lg.Login || lg.Send || lg.Roundtrip
	if login && addr.Local == "" && lg.Username == "" {
		return usageError{fmt.Errorf("--login needs an address (alice@example.com) or --username, not only a domain")}
	}
	timeout := s.Timeout
	if lg.Roundtrip && !c.IsSet(flgTimeout) {
		// The default budget leaves room for the round trip's wait.
		timeout = max(timeout, lg.RoundtripWait+3*s.ProbeTimeout)
	}
	ctx, cancel := context.WithTimeout(c.Context, timeout)
	defer cancel()
	prober := ns.prober()
	if len(run.asked) == 0 {
		opts, err := discoveryOptions(s, ns)
		if err != nil {
			return err
		}
		if err := run.discover(ctx, opts, prober, lg.TrustUntrusted, out); err != nil {
			return err
		}
	}
	var cr *probe.Credentials
	if login {
		if cr, err = credentials(lg, username(lg.Username, addr, run), c.App.Reader, c.App.ErrWriter); err != nil {
			return err
		}
	}
	rep := run.diagnose(ctx, s, prober, cr)
	rep.Duration = autoconfig.Duration(time.Since(start))
	if err := out.test(rep); err != nil {
		return err
	}
	if len(run.asked) > 0 && ns.resolverDeadFor(ctx, rep) {
		return errResolverDead // the named servers' names could not be looked up
	}
	var statuses []autoconfig.Status
	for _, s := range []testSide{rep.Incoming, rep.Outgoing} {
		if s.Status != statusSkipped {
			statuses = append(statuses, s.Status)
		}
	}
	return exitFor(c, statuses...)
}

// namedServers reads --imap, --pop3 and --smtp: servers the user named,
// which count as trusted.
func (r *testRun) namedServers(c *cli.Context) error {
	sec := autoconfig.Security(c.String(flgSecurity))
	switch sec {
	case "", autoconfig.SecurityTLS, autoconfig.SecurityStartTLS, autoconfig.SecurityNone:
	default:
		return usageError{fmt.Errorf("--security %q: want tls, starttls or none", sec)}
	}
	if sec != "" && c.String(flgIMAP) == "" && c.String(flgPOP3) == "" && c.String(flgSMTP) == "" {
		return usageError{fmt.Errorf("--security applies to servers named with --imap, --pop3 or --smtp")}
	}
	for _, f := range []struct {
		flag  string
		proto autoconfig.Protocol
	}{{flgIMAP, autoconfig.IMAP}, {flgPOP3, autoconfig.POP3}, {flgSMTP, autoconfig.SMTP}} {
		v := c.String(f.flag)
		if v == "" {
			continue
		}
		srv, err := parseServer(f.proto, v, sec)
		if err != nil {
			return usageError{fmt.Errorf("--%s %q: %w", f.flag, v, err)}
		}
		t := target{srv: srv, trusted: true}
		if srv.Side() == autoconfig.Incoming {
			r.in = append(r.in, t)
		} else {
			r.out = append(r.out, t)
		}
		r.asked[srv.Side()] = true
	}
	return nil
}

// parseServer reads HOST[:PORT]; the security comes from the flag, else
// from the port (465, 993, 995 implicit TLS; 25, 110, 143, 587 STARTTLS),
// else implicit TLS (RFC 8314).
func parseServer(p autoconfig.Protocol, v string, sec autoconfig.Security) (autoconfig.Server, error) {
	host, port := v, 0
	if h, ps, err := net.SplitHostPort(v); err == nil {
		n, err := strconv.Atoi(ps)
		if err != nil || n <= 0 || n > 65535 {
			return autoconfig.Server{}, fmt.Errorf("bad port %q", ps)
		}
		host, port = h, n
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" || strings.ContainsAny(host, " /@") {
		return autoconfig.Server{}, fmt.Errorf("want HOST or HOST:PORT")
	}
	if sec == "" {
		switch port {
		case 25, 110, 143, 587:
			sec = autoconfig.SecurityStartTLS
		default:
			sec = autoconfig.SecurityTLS
		}
	}
	if port == 0 {
		port = autoconfig.DefaultPort(p, sec)
	}
	return autoconfig.Server{Protocol: p, Host: host, Port: port, Security: sec}, nil
}

// discover finds the servers: each side's recommendation. opts are
// discoveryOptions', shared by the runs of one command: discover works
// on a copy. trustAll counts the servers only untrusted sources named as
// trusted (--trust-untrusted).
func (r *testRun) discover(ctx context.Context, shared *autoconfig.Options, prober autoconfig.Prober, trustAll bool, out *output) error {
	opts := *shared
	opts.Prober = prober
	stop := out.progress(&opts)
	res, err := autoconfig.Discover(ctx, r.addr, &opts)
	stop()
	if err != nil {
		return err
	}
	if dnsDead(res.Lookups) {
		return withHint(fmt.Errorf("the DNS resolver did not answer any question"),
			"check the network connection, or name a working resolver with --resolver HOST[:PORT]")
	}
	r.disc = res
	for _, side := range []struct {
		sr   autoconfig.SideResult
		dest *[]target
	}{{res.Incoming, &r.in}, {res.Outgoing, &r.out}} {
		// The recommendation, or when nothing answered discovery's quick
		// probe, the best-ranked candidate: its diagnosis says why.
		rec := side.sr.Recommended
		if rec == nil && len(side.sr.Candidates) > 0 {
			rec = &side.sr.Candidates[0]
		}
		if rec != nil {
			*side.dest = append(*side.dest, target{srv: rec.Server, trusted: rec.Trusted || trustAll, sources: rec.Sources})
		}
	}
	// Discovery's own findings (nothing found, sources disagree) stay; the
	// servers' findings come again from the diagnosis.
	for _, f := range res.Findings {
		switch {
		case f.Code == "discovery.no-answer" || f.Code == "discovery.no-valid-certificate":
			// The diagnosis of the candidate says it in detail.
		case f.Side == autoconfig.Discovery || strings.HasPrefix(f.Code, "discovery."):
			r.findings = append(r.findings, f)
		}
	}
	return nil
}

// username: the one given (--username), else the recommended server's
// username form, else the address.
func username(given string, addr autoconfig.Address, r *testRun) string {
	if given != "" {
		return given
	}
	for _, t := range append(append([]target{}, r.in...), r.out...) {
		if t.srv.Username != "" {
			return t.srv.Username
		}
	}
	return addr.String()
}

// diagnose runs every target at once, then the round trip.
func (r *testRun) diagnose(ctx context.Context, s runSettings, prober *probe.Prober, cr *probe.Credentials) *testReport {
	lg := s.Login
	base := probe.DiagnoseOptions{
		CertWarnDays:       s.CertWarnDays,
		Login:              cr,
		AllowPlaintextAuth: lg.AllowPlaintext,
	}
	if base.CertWarnDays == 0 {
		base.CertWarnDays = -1
	}
	var msg *probe.Message
	if lg.Send || lg.Roundtrip {
		msg = probe.NewMessage(r.addr.String(), time.Now())
	}
	all := append(append([]target{}, r.in...), r.out...)
	diags := make([]*probe.Diagnosis, len(all))
	var wg sync.WaitGroup
	for i, t := range all {
		o := base
		o.Trusted = t.trusted || lg.TrustUntrusted
		if t.srv.Protocol == autoconfig.SMTP {
			o.Send = msg
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			diags[i] = prober.Diagnose(ctx, t.srv, &o)
		}()
	}
	wg.Wait()
	ins, outs := diags[:len(r.in)], diags[len(r.in):]
	if lg.Roundtrip {
		r.roundtrip(ctx, lg, prober, cr, ins, outs)
	}
	return r.report(ins, outs)
}

// roundtrip looks for the sent message on the first incoming server that
// accepted the login.
func (r *testRun) roundtrip(ctx context.Context, lg loginSettings, prober *probe.Prober, cr *probe.Credentials, ins, outs []*probe.Diagnosis) {
	var in *probe.Diagnosis
	for _, d := range ins {
		if d.Login != nil && d.Login.OK {
			in = d
			break
		}
	}
	for _, out := range outs {
		if out.Sent == nil || !out.Sent.Accepted {
			continue
		}
		if in == nil {
			r.findings = append(r.findings, probe.RoundtripNoIncoming(out.Server))
			continue
		}
		prober.Roundtrip(ctx, out, in.Server, &probe.RoundtripOptions{
			Login: cr, Trusted: in.Trusted, AllowPlaintextAuth: lg.AllowPlaintext, Wait: lg.RoundtripWait,
		})
	}
}
