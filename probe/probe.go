// Package probe knows how to talk to a mail server: it connects to an IMAP,
// POP3 or SMTP server the way a mail client would, and records what it saw,
// phase by phase, as an autoconfig.ProbeResult.
//
// The pre-authentication conversation (greeting, capabilities, STARTTLS and
// the capabilities again) is postino's own small code, one file per
// protocol, because the client libraries hide the greeting, the capabilities
// before STARTTLS and the TLS state. No credentials are sent.
//
// Specifications followed:
//   - RFC 9051 and RFC 3501 (IMAP greeting, CAPABILITY, STARTTLS, LOGOUT)
//   - RFC 1939, RFC 2449 and RFC 2595 (POP3 greeting, CAPA, STLS, QUIT)
//   - RFC 5321 and RFC 3207 (SMTP greeting, EHLO/HELO, STARTTLS, QUIT)
//   - RFC 8314 (implicit TLS for mail submission and access)
//   - RFC 8305 (happy eyeballs: racing the addresses of a host)
//
// # Diagnosis
//
// Probe is the quick check discovery runs on every candidate. Diagnose is
// `postino test`: every address of a server on its own (IPv4 and IPv6
// apart), retries that tell a wrong security mode or a legacy-only TLS
// server from a broken one, the other port of the service, and, when
// asked, login, send and (Roundtrip) the message found again. After
// postino's own pre-authentication conversation the connection is handed
// to go-imap, go-smtp or go-pop3 (handover.go), with our deadlines and TLS,
// and the conversation stays recorded with credentials redacted
// (redact.go). Every finding code is defined in findings_*.go.
//
// # Deadlines
//
// Every probe has one deadline: the earlier of the context's and
// Options.Timeout after it starts. Every read and write on the connection is
// bound to it, and cancelling the context interrupts a blocked read at once.
// Lines and multi-line responses are capped, so a server that talks without
// end is a protocol error, never a hang.
//
// # Certificates
//
// A certificate problem does not end a probe: the handshake verifies the
// certificate itself and records every problem it finds (untrusted chain,
// wrong name, expired, self-signed) in ProbeResult.TLS and as findings. The
// probe's status then says whether the protocol works, and
// ProbeResult.Verified whether it can be trusted.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// DefaultTimeout is the time one probe may take when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// quitWait bounds the polite goodbye (LOGOUT, QUIT) at the end of a probe:
// its answer is nice to have, not worth waiting for.
const quitWait = 500 * time.Millisecond

// Options configure a Prober. A nil *Options is the same as a zero Options.
type Options struct {
	// DialContext opens a TCP connection. It is called with network "tcp"
	// and an address of the form IP:port, once per address tried. Nil means
	// a net.Dialer. resolver.Dialer's DialContext fits here.
	DialContext func(ctx context.Context, network, address string) (net.Conn, error)
	// Resolve returns the A and AAAA addresses of host. Nil means the
	// system resolver. resolver.Dialer's Resolve fits here. An error
	// wrapping resolver.ErrNotFound, or a *net.DNSError with IsNotFound, is
	// reported as ErrorKind "nxdomain".
	Resolve func(ctx context.Context, host string) ([]net.IP, error)
	// ResolveFamily, when set, looks up one family ("ip4": A, "ip6":
	// AAAA) of host. The diagnosis then asks both at once and times and
	// reports each on its own; without it, both come from one Resolve.
	// resolver.Client's LookupIP fits with a small adapter. from names
	// where the answer came from when it is not DNS (the hosts file's
	// path), for the report.
	ResolveFamily func(ctx context.Context, host, family string) (ips []net.IP, from string, err error)
	// Network restricts the address families tried: "tcp" (both, the
	// default), "tcp4" or "tcp6".
	Network string
	// RootCAs are the certificate authorities a server certificate must
	// chain to. Nil means the system roots.
	RootCAs *x509.CertPool
	// Timeout bounds one probe, all phases included. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Now is the clock for certificate validity and days left. Nil means
	// time.Now.
	Now func() time.Time
	// EHLOName is the name sent in SMTP EHLO and HELO. Empty means the
	// address literal of the local end of the connection, such as
	// "[192.0.2.7]", which is what Thunderbird sends and what RFC 5321
	// section 4.1.4 allows a client without a meaningful name.
	EHLOName string
	// MailFrom is the envelope sender of the relay check (relay.go),
	// normally the account's address. Empty means postmaster at the
	// server's domain.
	MailFrom string
}

// Prober probes mail servers. It implements autoconfig.Prober. One Prober
// may run any number of probes at once; all it keeps is, for one timeout,
// which endpoints stayed silent, so that a run pays for a silence once
// (silence.go).
type Prober struct {
	dialContext func(ctx context.Context, network, address string) (net.Conn, error)
	resolveFn   func(ctx context.Context, host string) ([]net.IP, error)
	resolveFam  func(ctx context.Context, host, family string) ([]net.IP, string, error)
	network     string
	roots       *x509.CertPool
	timeout     time.Duration
	now         func() time.Time
	ehloName    string
	mailFrom    string
	silences    silenceMemory // silence.go
}

var _ autoconfig.Prober = (*Prober)(nil)

// New returns a Prober with the given options; nil means defaults.
func New(o *Options) *Prober {
	if o == nil {
		o = &Options{}
	}
	p := &Prober{
		dialContext: o.DialContext,
		resolveFn:   o.Resolve,
		resolveFam:  o.ResolveFamily,
		network:     o.Network,
		roots:       o.RootCAs,
		timeout:     o.Timeout,
		now:         o.Now,
		ehloName:    o.EHLOName,
		mailFrom:    o.MailFrom,
	}
	if p.dialContext == nil {
		p.dialContext = (&net.Dialer{}).DialContext
	}
	if p.network != "tcp4" && p.network != "tcp6" {
		p.network = "tcp"
	}
	if p.timeout <= 0 {
		p.timeout = DefaultTimeout
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p
}

func (p *Prober) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return p.dialContext(ctx, network, addr)
}

func (p *Prober) resolve(ctx context.Context, host string) ([]net.IP, error) {
	if p.resolveFn != nil {
		return p.resolveFn(ctx, host)
	}
	return net.DefaultResolver.LookupIP(ctx, "ip", host)
}

// Probe connects to s, runs the phases its protocol and security call for,
// and reports what happened. It never returns nil. The status is ok when
// the server answered its protocol correctly and, for tls and starttls,
// TLS was established, whatever the certificate's problems.
func (p *Prober) Probe(ctx context.Context, srv autoconfig.Server) (res *autoconfig.ProbeResult) {
	ctx, g := guardPanics(ctx)
	defer g.failProbe(&res)
	ss := p.attempt(ctx, srv, attemptConfig{})
	ss.res.Cause = cause(ss.srv, ss.res)
	return ss.res
}

// attemptConfig varies one probe for the diagnosis: fixed addresses, a
// legacy handshake, more work on the connection once it is ready.
type attemptConfig struct {
	// ips, when set, are the addresses to connect to; nothing is resolved.
	ips []net.IP
	// legacy makes the handshake offer TLS 1.0 and up with every cipher
	// suite crypto/tls still implements.
	legacy bool
	// then, when set, runs on the connection after the pre-authentication
	// conversation succeeded (login, send).
	then func(ctx context.Context, s *session, d dialog) error
}

// attempt is Probe with variations; the session is returned for what the
// result does not carry (the peer certificates, capabilities before TLS).
func (p *Prober) attempt(ctx context.Context, srv autoconfig.Server, cfg attemptConfig) *session {
	start := time.Now()
	res := &autoconfig.ProbeResult{}
	s := &session{p: p, srv: srv, res: res, host: strings.TrimSuffix(srv.Host, "."), cfg: cfg}
	if s.srv.Port == 0 {
		s.srv.Port = autoconfig.DefaultPort(srv.Protocol, srv.Security)
	}
	d := newDialog(srv.Protocol)
	switch {
	case d == nil:
		res.Status, res.ErrorKind, res.Error = autoconfig.ProbeSkipped, KindInvalid, "unknown protocol "+quote(string(srv.Protocol))
		return s
	case srv.Security != autoconfig.SecurityTLS && srv.Security != autoconfig.SecurityStartTLS && srv.Security != autoconfig.SecurityNone:
		res.Status, res.ErrorKind, res.Error = autoconfig.ProbeSkipped, KindInvalid, "unknown security "+quote(string(srv.Security))
		return s
	case s.host == "" || s.srv.Port < 0 || s.srv.Port > 65535:
		res.Status, res.ErrorKind, res.Error = autoconfig.ProbeSkipped, KindInvalid, "no valid host and port to probe"
		return s
	}

	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	s.ctx = ctx
	if dl, ok := ctx.Deadline(); ok {
		s.budget = dl.Sub(start)
	}
	s.what = "the greeting"

	err := s.run(ctx, d)
	if err == nil && cfg.then != nil {
		err = cfg.then(ctx, s, d)
	}
	s.close(d)

	res.Transcript = s.tr.lines()
	res.Duration = autoconfig.Duration(time.Since(start))
	if err == nil {
		res.Status = autoconfig.ProbeOK
		return s
	}
	res.Status = autoconfig.ProbeFailed
	res.ErrorKind, res.Error = kindOf(err), errMsg(err)
	res.SpeaksSecurity = speaksOf(err)
	if res.ErrorKind == "" {
		res.ErrorKind = netKind(ctx, err)
	}
	if s.peerSilent.Load() && res.ErrorKind == KindTimeout {
		res.Error = fmt.Sprintf("no answer while waiting for the server's first byte, and another connection to %s got none within %s: it accepts connections and says nothing", s.addr, roundDur(s.budget))
	}
	s.rememberSilence()
	return s
}

// session is one probe: one server, one connection, one result. It is used
// by one goroutine (the greeting sniffer only touches its own connection
// and the read deadline of raw).
type session struct {
	p      *Prober
	srv    autoconfig.Server
	host   string // srv.Host without a trailing dot
	res    *autoconfig.ProbeResult
	ctx    context.Context
	budget time.Duration // the probe's whole time, for messages

	addr     string   // the remote ip:port connected to
	raw      net.Conn // the TCP connection
	lineConn          // the conversation on raw or on TLS over it
	unbind   func() bool
	broken   bool // the connection can no longer carry a polite goodbye

	sniffTLS atomic.Bool // a second connection showed the port speaks implicit TLS

	counted    *countingConn // raw, counting what the server sent
	connected  time.Time     // when raw was connected
	fromMemory bool          // failed at once: the endpoint was seen silent
	peerSilent atomic.Bool   // another attempt found the endpoint silent while this one waited

	cfg        attemptConfig
	peer       []*x509.Certificate // the certificates the server presented
	state      *tls.ConnectionState
	capsPlain  []string // capabilities before STARTTLS
	handedOver bool     // a client library owns the conversation now
}

func (s *session) run(ctx context.Context, d dialog) error {
	ips := s.cfg.ips
	if ips == nil {
		var err error
		if ips, err = s.resolve(ctx); err != nil {
			return err
		}
	}
	conn, err := s.connect(ctx, ips)
	if err != nil {
		return err
	}
	s.counted, s.connected = &countingConn{Conn: conn}, time.Now()
	s.raw = s.counted
	s.unbind = bindContext(ctx, conn)
	s.setConn(s.raw, false)
	if err := s.recalledSilence(); err != nil {
		return err
	}
	defer s.watchSilence()()
	if s.srv.Security == autoconfig.SecurityTLS {
		if err := s.phase(autoconfig.PhaseTLS, func(ph *autoconfig.Phase) error {
			return s.handshake(ctx, ph)
		}); err != nil {
			return err
		}
	}
	return s.converse(ctx, d)
}

// converse runs the protocol's phases: greeting, capabilities and, for
// STARTTLS, the upgrade and the capabilities again.
func (s *session) converse(ctx context.Context, d dialog) error {
	err := s.phase(autoconfig.PhaseGreeting, func(ph *autoconfig.Phase) error {
		if err := s.awaitGreeting(ctx); err != nil {
			return err
		}
		if err := d.greeting(s); err != nil {
			return err
		}
		ph.Detail = printable(firstLine(s.res.Greeting), 120)
		return nil
	})
	if err != nil {
		return err
	}
	caps, err := s.capabilities(d)
	if err != nil {
		return err
	}
	if s.srv.Security == autoconfig.SecurityStartTLS {
		s.capsPlain = caps
		advertised := d.hasStartTLS(caps)
		if d.plaintextAuth(caps) {
			s.addFinding(protocolFindings[s.srv.Protocol].authBeforeTLS.On(s.srv, nil))
		}
		accepted := false
		err := s.phase(autoconfig.PhaseStartTLS, func(ph *autoconfig.Phase) error {
			if err := d.startTLS(s); err != nil {
				return err
			}
			accepted = true
			if n := s.r.Buffered(); n > 0 {
				// RFC 3207 section 4.2, RFC 2595 section 3.1: nothing may
				// follow the reply before the handshake. Data here is a
				// server bug or an injection attack (CVE-2011-0411).
				s.broken = true
				return failf(KindProtocol, "the server sent %d bytes after its STARTTLS reply, before the TLS handshake (a server bug, or someone injecting commands)", n)
			}
			return s.handshake(ctx, ph)
		})
		switch {
		case err != nil && !advertised && !accepted && kindOf(err) != KindCanceled:
			// Not advertised and not accepted: the server has no STARTTLS,
			// whatever it answered to the command.
			f := starttlsMissingFinding(s.srv, caps, false)
			s.addFinding(f)
			return &probeError{kind: KindStartTLSMissing, msg: f.Message + "; " + errMsg(err), err: err}
		case err != nil:
			return err
		case !advertised:
			s.addFinding(starttlsMissingFinding(s.srv, caps, true))
		}
		if caps, err = s.capabilities(d); err != nil {
			return err
		}
	}
	// SASL lists what is offered where a password would go: inside TLS, or
	// on the plain connection of a server probed without TLS.
	s.res.SASL = d.mechanisms(caps)
	if sd, ok := d.(*smtpDialog); ok && s.wantsRelayCheck() {
		s.relayCheck(sd)
	}
	return nil
}

func (s *session) capabilities(d dialog) ([]string, error) {
	var caps []string
	err := s.phase(autoconfig.PhaseCapabilities, func(ph *autoconfig.Phase) error {
		var err error
		var note string
		caps, note, err = d.capabilities(s)
		if err == nil {
			// Reported as printable text (control bytes and invalid
			// UTF-8 escaped); caps stays as sent, for the dialog.
			s.res.Capabilities = printableAll(caps)
		}
		ph.Detail = printable(strings.Join(caps, " "), 200)
		if note != "" {
			ph.Detail = note + "; " + ph.Detail
		}
		return err
	})
	return caps, err
}

// phase runs fn as one timed phase and records it.
func (s *session) phase(name string, fn func(ph *autoconfig.Phase) error) error {
	ph := autoconfig.Phase{Name: name, Address: s.addr}
	start := time.Now()
	err := fn(&ph)
	ph.Duration = autoconfig.Duration(time.Since(start))
	ph.OK = err == nil
	if err != nil && ph.Detail == "" {
		ph.Detail = errMsg(err)
	}
	s.res.Phases = append(s.res.Phases, ph)
	return err
}

func (s *session) addFinding(f autoconfig.Finding) {
	s.res.Findings = append(s.res.Findings, f)
}

// close says goodbye when the connection is still in a state to carry it,
// and closes the connection. The goodbye's answer is read in the
// background: nothing uses it, and waiting for it cost every probe one
// round trip (bench: 10 to 14 of the points above the critical path in
// docs/benchmarks.md), while reading it still lets the server see an
// orderly close rather than a reset.
func (s *session) close(d dialog) {
	if s.raw == nil {
		return
	}
	s.unbind()
	conn, raw := s.conn, s.raw
	if s.broken || s.handedOver || s.ctx.Err() != nil {
		conn.Close()
		raw.Close()
		return
	}
	dl := time.Now().Add(quitWait)
	if ctxDL, ok := s.ctx.Deadline(); ok && ctxDL.Before(dl) {
		dl = ctxDL
	}
	raw.SetDeadline(dl)
	d.quit(s)
	go func() {
		defer catchPanic(s.ctx)
		io.Copy(io.Discard, io.LimitReader(conn, maxLine))
		conn.Close()
		raw.Close()
	}()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func quote(s string) string { return `"` + printable(s, 80) + `"` }
