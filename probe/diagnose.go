package probe

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// DefaultCertWarnDays is how many days before expiry a certificate gives
// tls.cert-expiring when DiagnoseOptions.CertWarnDays is zero.
const DefaultCertWarnDays = 14

// slowGreeting is how long a greeting may take before it is a finding:
// clients time out after 10 to 60 seconds, and a greeting this slow is a
// tarpit, postscreen or an overloaded server.
const slowGreeting = 2 * time.Second

// otherPortGrace is how long after its start a working server's diagnosis
// waits for the check of its other port, when its own checks were faster.
const otherPortGrace = time.Second

// DiagnoseOptions configure Diagnose. A nil *DiagnoseOptions is the same as
// a zero DiagnoseOptions: the checks without login.
type DiagnoseOptions struct {
	// CertWarnDays: a certificate with fewer days left gives the warning
	// tls.cert-expiring. Zero means DefaultCertWarnDays; negative, never.
	CertWarnDays int
	// Trusted says the server comes from a trusted source or from the
	// user; credentials are only ever sent to a trusted server.
	Trusted bool
	// Login, when set, logs in after the checks.
	Login *Credentials
	// AllowPlaintextAuth permits credentials over a connection without TLS.
	AllowPlaintextAuth bool
	// Send, when set, sends this message after the login (SMTP only).
	Send *Message
}

// Credentials are what a login needs. They never appear in a Diagnosis.
type Credentials struct {
	Username string
	// Password, or OAuth2Token for XOAUTH2 and OAUTHBEARER; one of them.
	Password    string
	OAuth2Token string
}

// secrets are the strings that must never be shown.
func (c *Credentials) secrets() []string {
	if c == nil {
		return nil
	}
	var s []string
	for _, v := range []string{c.Password, c.OAuth2Token} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// Diagnosis is everything `postino test` learnt about one server: every
// address on its own, every phase, the findings that explain the verdict.
// It holds no credentials.
type Diagnosis struct {
	Server   autoconfig.Server   `json:"server"`
	Trusted  bool                `json:"trusted"`
	Status   autoconfig.Status   `json:"status"`
	Duration autoconfig.Duration `json:"duration_ms"`
	// Addresses are the server's A and AAAA addresses, each tested alone.
	Addresses []AddressResult `json:"addresses"`
	// Phases of every address in turn, then the retries, login, send and
	// round trip; each names the address it used.
	Phases   []autoconfig.Phase  `json:"phases"`
	TLS      *autoconfig.TLSInfo `json:"tls,omitempty"`
	Greeting string              `json:"greeting,omitempty"`
	// CapabilitiesBeforeTLS and SASLBeforeTLS are what a STARTTLS server
	// offered on the plain connection.
	CapabilitiesBeforeTLS []string `json:"capabilities_before_tls,omitempty"`
	SASLBeforeTLS         []string `json:"sasl_before_tls,omitempty"`
	Capabilities          []string `json:"capabilities,omitempty"`
	SASL                  []string `json:"sasl,omitempty"`
	// Relay is the relay check of an SMTP server that offers no AUTH
	// (relay.go): its phase and transcript are in Phases and Transcript.
	Relay *autoconfig.RelayCheck `json:"relay,omitempty"`
	// Login is set when a login was asked for.
	Login *LoginResult `json:"login,omitempty"`
	// Sent is set when a test message was asked for.
	Sent     *SendResult          `json:"sent,omitempty"`
	Findings []autoconfig.Finding `json:"findings"`
	// Transcript is the redacted conversation with the first working
	// address, then the login session's.
	Transcript []autoconfig.TranscriptLine `json:"transcript,omitempty"`
}

// AddressResult is the outcome of the checks on one address.
type AddressResult struct {
	Address   string              `json:"address"`
	Family    string              `json:"family"` // ipv4 or ipv6
	OK        bool                `json:"ok"`
	Duration  autoconfig.Duration `json:"duration_ms"`
	ErrorKind string              `json:"error_kind,omitempty"`
	Error     string              `json:"error,omitempty"`
}

// LoginResult says how a login went.
type LoginResult struct {
	OK        bool   `json:"ok"`
	Mechanism string `json:"mechanism,omitempty"`
	Address   string `json:"address,omitempty"`
	// Skipped says why no credentials were sent, when none were.
	Skipped string `json:"skipped,omitempty"`
}

// Diagnose runs every check on s: DNS A and AAAA, then on every address
// on its own TCP, TLS, greeting, capabilities, STARTTLS; retries that tell
// a wrong security mode or a legacy-only TLS server from a broken one; and,
// when asked, login and send on the first working address. It never
// returns nil.
func (p *Prober) Diagnose(ctx context.Context, s autoconfig.Server, o *DiagnoseOptions) *Diagnosis {
	ctx, g := guardPanics(ctx)
	defer g.raise()
	if o == nil {
		o = &DiagnoseOptions{}
	}
	start := time.Now()
	if s.Port == 0 {
		s.Port = autoconfig.DefaultPort(s.Protocol, s.Security)
	}
	d := &Diagnosis{Server: s, Trusted: o.Trusted, Findings: []autoconfig.Finding{}}
	defer func() {
		d.Duration = autoconfig.Duration(time.Since(start))
		d.Status = d.Verdict()
		scrub(d, o.Login.secrets())
	}()

	host := strings.TrimSuffix(s.Host, ".")
	ips, ok := p.resolveFamilies(ctx, d, host)
	if !ok {
		return d
	}
	sessions := make([]*session, len(ips))
	var wg sync.WaitGroup
	var alt *session
	altCtx, altCancel := context.WithCancel(ctx)
	defer altCancel()
	altDone := make(chan struct{})
	go func() {
		defer close(altDone)
		defer catchPanic(altCtx)
		alt = p.tryOtherPort(altCtx, s, ips[0])
	}()
	for i, ip := range ips {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer catchPanic(ctx)
			sessions[i] = p.attempt(ctx, s, attemptConfig{ips: []net.IP{ip}})
		}()
	}
	wg.Wait()

	primary := -1
	for i, ss := range sessions {
		r := ss.res
		d.Addresses = append(d.Addresses, AddressResult{
			Address: ips[i].String(), Family: family(ips[i]), OK: r.Status == autoconfig.ProbeOK,
			Duration: r.Duration, ErrorKind: r.ErrorKind, Error: r.Error,
		})
		for _, ph := range r.Phases {
			if ph.Address == "" {
				ph.Address = net.JoinHostPort(ips[i].String(), strconv.Itoa(s.Port))
			}
			d.Phases = append(d.Phases, ph)
		}
		if primary < 0 && r.Status == autoconfig.ProbeOK {
			primary = i
		}
	}
	if primary < 0 {
		p.explainFailure(ctx, d, sessions[0], ips[0])
		<-altDone
		d.reportOtherPort(alt)
		return d
	}
	// The server works: the other port gets as long as the server's own
	// checks took, and at least otherPortGrace, not more.
	select {
	case <-altDone:
	case <-time.After(time.Until(start.Add(otherPortGrace))):
		altCancel()
		<-altDone
	}
	ps := sessions[primary]
	d.adopt(ps)
	for i, ss := range sessions {
		if i != primary {
			d.addFindings(ss.res.Findings...)
		}
	}
	d.addFindings(familyFindings(s, d.Addresses)...)
	d.addFindings(p.sessionFindings(s, ps, o)...)
	if d.has(CodeChainIncomplete) {
		d.drop(CodeCertUntrusted)
	}
	d.reportOtherPort(alt)
	if o.Login != nil {
		p.loginAndSend(ctx, d, ips[primary], o)
	}
	return d
}

// adopt takes the facts of the first working address.
func (d *Diagnosis) adopt(ss *session) {
	r := ss.res
	d.TLS, d.Greeting, d.Capabilities, d.SASL, d.Relay = r.TLS, r.Greeting, r.Capabilities, r.SASL, r.Relay
	if ss.capsPlain != nil {
		d.CapabilitiesBeforeTLS = printableAll(ss.capsPlain)
		d.SASLBeforeTLS = newDialog(d.Server.Protocol).mechanisms(ss.capsPlain)
	}
	d.Transcript = append(d.Transcript, r.Transcript...)
	d.addFindings(r.Findings...)
}

// addFindings adds findings not yet present (same code and server).
func (d *Diagnosis) addFindings(fs ...autoconfig.Finding) {
	for _, f := range fs {
		dup := false
		for _, g := range d.Findings {
			if g.Code == f.Code && g.Server == f.Server {
				dup = true
				break
			}
		}
		if !dup {
			d.Findings = append(d.Findings, f)
		}
	}
}

func (d *Diagnosis) has(code string) bool {
	for _, f := range d.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

func (d *Diagnosis) drop(code string) {
	fs := d.Findings[:0]
	for _, f := range d.Findings {
		if f.Code != code {
			fs = append(fs, f)
		}
	}
	d.Findings = fs
}

func (d *Diagnosis) addPhase(ph autoconfig.Phase) { d.Phases = append(d.Phases, ph) }

// Verdict judges the diagnosis from its findings and addresses: broken
// when no address works or any finding is an error, a warning with any
// warning. Callers that change the findings (check's thresholds and
// --ignore) judge again with it.
func (d *Diagnosis) Verdict() autoconfig.Status {
	st := autoconfig.StatusOK
	for _, f := range d.Findings {
		switch f.Severity {
		case autoconfig.SeverityError:
			return autoconfig.StatusBroken
		case autoconfig.SeverityWarning:
			st = autoconfig.StatusWarning
		}
	}
	ok := false
	for _, a := range d.Addresses {
		ok = ok || a.OK
	}
	if !ok {
		return autoconfig.StatusBroken
	}
	return st
}

func family(ip net.IP) string {
	if ip.To4() != nil {
		return "ipv4"
	}
	return "ipv6"
}
