package probe

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// PhaseRelay is the phase of the relay check: what an SMTP server that
// offers no AUTH on its protected connection does with mail for another
// domain.
const PhaseRelay = "relay"

// relayRecipient is the RCPT TO of the relay check: at a domain reserved
// by RFC 2606 section 3, which no server hosts and no mail reaches.
const relayRecipient = "postmaster@example.net"

// Finding codes of the relay check.
const (
	CodeRelayRefused      = "smtp.relay-refused"
	CodeRelayWithoutLogin = "smtp.relay-without-login"
	CodeRelayUnknown      = "smtp.relay-unknown"
)

// wantsRelayCheck reports whether this session asks the server to relay:
// an SMTP server that offers no AUTH where a password would go (inside
// TLS, or on the plain connection of a server probed without TLS). A
// login session never asks: it has its own work to do.
func (s *session) wantsRelayCheck() bool {
	return s.srv.Protocol == autoconfig.SMTP && len(s.res.SASL) == 0 && s.cfg.then == nil
}

// relayCheck asks the server to take mail for a domain it does not host,
// without sending any: MAIL FROM, RCPT TO, RSET; never DATA (RFC 5321
// section 3.3: nothing is queued before DATA). The goodbye is close's.
// The outcome goes to s.res.Relay and its finding to s.res.Findings; a
// broken connection ends the check, not the probe.
func (s *session) relayCheck(d *smtpDialog) {
	rc := &autoconfig.RelayCheck{Outcome: autoconfig.RelayUnknown}
	s.res.Relay = rc
	s.phase(PhaseRelay, func(ph *autoconfig.Phase) error {
		code, text, err := s.command(d, "MAIL FROM:<"+s.mailFrom()+">", "MAIL")
		if err == nil && code/100 == 2 {
			code, text, err = s.command(d, "RCPT TO:<"+relayRecipient+">", "RCPT")
		}
		if err != nil {
			rc.Reply = errMsg(err)
			ph.Detail = "relay check interrupted: " + rc.Reply
			return err
		}
		rc.Outcome, rc.Reply = relayOutcome(code, text), printable(fmt.Sprintf("%d %s", code, text), 300)
		ph.Detail = fmt.Sprintf("relay to %s without login: %s (%s)", relayRecipient, rc.Outcome, rc.Reply)
		if _, _, err := s.command(d, "RSET", "RSET"); err != nil {
			return err
		}
		if rc.Outcome != autoconfig.RelayAccepted {
			return failf(KindProtocol, "%s", ph.Detail)
		}
		return nil
	})
	s.addFinding(relayFinding(s.srv, rc))
}

// command sends one SMTP command and reads its reply, its lines joined.
func (s *session) command(d *smtpDialog, line, verb string) (int, string, error) {
	if err := s.send(line, verb); err != nil {
		return 0, "", err
	}
	code, lines, err := d.reply(s)
	return code, strings.Join(lines, " "), err
}

// mailFrom is the envelope sender of the relay check: the account's
// address, else postmaster at the server's domain.
func (s *session) mailFrom() string {
	if s.p.mailFrom != "" {
		return s.p.mailFrom
	}
	domain := s.host
	if labels := strings.Split(domain, "."); len(labels) > 2 {
		domain = strings.Join(labels[1:], ".")
	}
	return "postmaster@" + domain
}

// enhancedCode matches an RFC 3463 enhanced status code at the start of a
// reply's text: class, subject, detail.
var enhancedCode = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})(\s|$)`)

// relayOutcome reads the reply to MAIL FROM or RCPT TO. A 2xx accepts. An
// enhanced code X.7.X (RFC 3463 section 3.8: security or policy status,
// Postfix's "554 5.7.1 …: Relay access denied") refuses, and so does a
// permanent error without an enhanced code whose text speaks of relaying.
// Anything else (5.1.x: the address; 4.x.x: try later, greylisting) says
// nothing about relaying.
func relayOutcome(code int, text string) string {
	if code/100 == 2 {
		return autoconfig.RelayAccepted
	}
	if m := enhancedCode.FindStringSubmatch(text); m != nil {
		if m[1] == "5" && m[2] == "7" {
			return autoconfig.RelayRefused
		}
		return autoconfig.RelayUnknown
	}
	if code/100 == 5 && strings.Contains(strings.ToLower(text), "relay") {
		return autoconfig.RelayRefused
	}
	return autoconfig.RelayUnknown
}

func relayFinding(s autoconfig.Server, rc *autoconfig.RelayCheck) autoconfig.Finding {
	d := findRelayUnknown
	switch rc.Outcome {
	case autoconfig.RelayRefused:
		d = findRelayRefused
	case autoconfig.RelayAccepted:
		d = findRelayWithoutLogin
	}
	if s.ExpectsNoLogin() {
		d = noLoginForm(d)
	}
	return d.On(s, autoconfig.Values{"after-tls": afterTLS(s), "auth": strings.Join(authNames(s.Auth), ", "), "reply": rc.Reply})
}

func authNames(ms []autoconfig.AuthMethod) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}
