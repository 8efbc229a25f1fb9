package probe

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// loginAndSend logs in on the address that worked, on a fresh connection
// that repeats the pre-authentication conversation and then hands over to
// the protocol's client library, and sends the test message when asked.
// Credentials go only to a trusted server and only inside TLS, unless the
// options say otherwise.
func (p *Prober) loginAndSend(ctx context.Context, d *Diagnosis, ip net.IP, o *DiagnoseOptions) {
	s := d.Server
	d.Login = &LoginResult{}
	if skip, f := refuseCredentials(s, o.Trusted, o.AllowPlaintextAuth); f != nil {
		d.Login.Skipped = skip
		d.addFindings(*f)
		return
	}
	if s.Protocol == autoconfig.SMTP && len(d.SASL) == 0 && d.Relay != nil {
		// Nothing to log in with: the relay check's finding says what
		// that means from here (relay.go); a login would only fail.
		d.Login.Skipped = "the server offers no AUTH: no login possible; see the relay check"
		if s.ExpectsNoLogin() {
			d.Login.Skipped = "the configuration says the server takes no login (" + strings.Join(authNames(s.Auth), ", ") + ")"
		}
		return
	}
	red := newRedactor(s.Protocol == autoconfig.IMAP, o.Login.secrets())
	var lerr error
	var sent *SendResult
	ss := p.attempt(ctx, s, attemptConfig{ips: []net.IP{ip}, then: func(ctx context.Context, ss *session, _ dialog) error {
		conn, stop := ss.handover(ctx, greetingFor(s.Protocol), red)
		defer stop()
		ph := autoconfig.Phase{Name: autoconfig.PhaseAuth, Address: ss.addr}
		start := time.Now()
		lib, err := p.libLogin(ss, conn, o.Login)
		err = conn.limit.explain(err)
		ph.Duration = autoconfig.Duration(time.Since(start))
		d.Login.Address = ss.addr
		if lib != nil {
			d.Login.Mechanism = lib.mechanism()
		}
		ph.OK = err == nil
		ph.Detail = "as " + o.Login.Username
		if lib != nil && lib.mechanism() != "" {
			ph.Detail += " with " + lib.mechanism()
		}
		if err != nil {
			ph.Detail += ": " + authErrText(err)
		}
		d.addPhase(ph)
		if err != nil {
			lerr = err
			if lib != nil {
				conn.hurry(quitWait)
				lib.close()
			}
			return err
		}
		d.Login.OK = true
		if o.Send != nil && s.Protocol == autoconfig.SMTP {
			sent = p.send(ss, lib.(*smtpLib), conn.limit, o.Send, d)
		}
		conn.hurry(quitWait)
		lib.close()
		return nil
	}})
	d.Sent = sent
	d.Transcript = append(d.Transcript, autoconfig.TranscriptLine{Dir: "info", Text: "login session"})
	d.Transcript = append(d.Transcript, ss.res.Transcript...)
	switch {
	case lerr != nil:
		d.addFindings(p.loginFinding(s, lerr, o.Login))
	case ss.res.Status != autoconfig.ProbeOK:
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseAuth, Address: ss.addr, Duration: ss.res.Duration, Detail: "could not reconnect to log in: " + ss.res.Error})
		d.addFindings(failureFinding(s, ss.res, autoconfig.PhaseAuth))
	}
}

// loginFinding explains a failed login: the server's refusal, classified,
// or what kept the login from happening.
func (p *Prober) loginFinding(s autoconfig.Server, err error, cr *Credentials) autoconfig.Finding {
	var le *loginError
	if errors.As(err, &le) && le.reply != nil {
		return classifyAuth(s, *le.reply, cr.Username)
	}
	if f, ok := tooLargeFinding(s, err); ok {
		return f
	}
	if kindOf(err) == KindProtocol {
		return findServerProtocolLogin.On(s, protocolValues(s, authErrText(err)))
	}
	if errors.Is(err, errNoMechanism) {
		return findNoAuthMechanism.On(s, autoconfig.Values{"error": authErrText(err)})
	}
	return findAuthFailed.On(s, autoconfig.Values{"error": authErrText(err)})
}

// loginError is a failed login: the server's reply when it answered.
type loginError struct {
	reply *authReply
	err   error
}

func (e *loginError) Error() string { return "probe: login: " + e.err.Error() }
func (e *loginError) Unwrap() error { return e.err }

func authErrText(err error) string {
	var le *loginError
	if errors.As(err, &le) && le.reply != nil {
		return le.reply.String()
	}
	return printable(errMsg(err), 300)
}

// library is a logged-in client library session.
type library interface {
	mechanism() string
	close()
}

func (p *Prober) libLogin(ss *session, conn net.Conn, cr *Credentials) (library, error) {
	switch ss.srv.Protocol {
	case autoconfig.IMAP:
		return imapLogin(ss, conn, cr)
	case autoconfig.POP3:
		return pop3Login(ss, conn, cr)
	}
	return smtpLogin(ss, conn, cr)
}

// greetingFor is the greeting handed to a library that insists on one.
func greetingFor(p autoconfig.Protocol) string {
	switch p {
	case autoconfig.IMAP:
		return "* OK postino handover\r\n"
	case autoconfig.POP3:
		return "+OK postino handover\r\n"
	}
	return "220 postino handover\r\n"
}
