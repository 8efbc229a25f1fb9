package probe

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// explainFailure runs when no address works. It adds what the probe of the
// first address saw, retries in the other security mode (a port that
// speaks STARTTLS, not implicit TLS, or the reverse) and with a legacy TLS
// handshake, and ends with one finding that names the cause.
func (p *Prober) explainFailure(ctx context.Context, d *Diagnosis, ss *session, ip net.IP) {
	r := ss.res
	d.Greeting = r.Greeting
	d.Transcript = append(d.Transcript, r.Transcript...)
	d.addFindings(r.Findings...)
	s := d.Server
	phase := ""
	if n := len(r.Phases); n > 0 {
		phase = r.Phases[n-1].Name
	}
	if r.Status == autoconfig.ProbeSkipped {
		d.addFindings(findUnknownServer.On(s, autoconfig.Values{"error": r.Error}))
		return
	}
	// A wrong mode shows as a protocol error (plain text where TLS was
	// expected, TLS records where a greeting was) or as silence.
	switch {
	case ss.silent() || ss.fromMemory || ss.peerSilent.Load():
		d.addPhase(silenceRetryPhase(ip, s.Port))
	case r.ErrorKind == KindProtocol || (r.ErrorKind == KindTimeout && phase != autoconfig.PhaseConnect) || (r.ErrorKind == KindClosed && phase == autoconfig.PhaseTLS):
		if p.retryOtherMode(ctx, d, ip) {
			return
		}
	}
	if phase == autoconfig.PhaseTLS || phase == autoconfig.PhaseStartTLS {
		if r.ErrorKind == KindTLS || r.ErrorKind == KindClosed {
			if p.retryLegacy(ctx, d, ip) {
				return
			}
		}
	}
	d.addFindings(failureFinding(s, r, phase))
}

// failureFinding names the cause of a failed probe.
func failureFinding(s autoconfig.Server, r *autoconfig.ProbeResult, phase string) autoconfig.Finding {
	v := autoconfig.Values{"error": r.Error}
	switch {
	case r.ErrorKind == KindStartTLSMissing:
		// The probe's own finding says it; this one only in case.
		return protocolFindings[s.Protocol].starttlsFailed.On(s, v)
	case r.ErrorKind == KindStartTLSRefused:
		return protocolFindings[s.Protocol].starttlsRefused.On(s, v)
	case phase == autoconfig.PhaseConnect && r.ErrorKind == KindRefused:
		return findConnectRefused.On(s, v)
	case phase == autoconfig.PhaseConnect && r.ErrorKind == KindTimeout:
		if s.Port == 25 {
			return findConnectTimeout25.On(s, v)
		}
		return findConnectTimeout.On(s, v)
	case phase == autoconfig.PhaseConnect:
		return findNetUnreachable.On(s, v)
	case r.ErrorKind == KindTimeout:
		return findServerSilent.On(s, v)
	case phase == autoconfig.PhaseTLS || phase == autoconfig.PhaseStartTLS:
		return findTLSHandshake.On(s, autoconfig.Values{"error": r.Error})
	case r.ErrorKind == KindClosed:
		return findServerClosed.On(s, v)
	case r.ErrorKind == KindRefused:
		return findServerRefused.On(s, v)
	}
	return findServerProtocol.On(s, protocolValues(s, r.Error))
}

// retryOtherMode tries the other security mode on the same port and, when
// it works, says the server was asked the wrong way.
func (p *Prober) retryOtherMode(ctx context.Context, d *Diagnosis, ip net.IP) bool {
	s := d.Server
	alt := s
	alt.Security = autoconfig.SecurityTLS
	if s.Security == autoconfig.SecurityTLS {
		alt.Security = autoconfig.SecurityStartTLS
	}
	ss := p.attempt(ctx, alt, attemptConfig{ips: []net.IP{ip}})
	ok := ss.res.Status == autoconfig.ProbeOK
	detail := fmt.Sprintf("as %s: %s", securityName(alt.Security), okWord(ok, ss.res.Error))
	d.addPhase(autoconfig.Phase{Name: "retry", Address: net.JoinHostPort(ip.String(), fmt.Sprint(s.Port)), OK: ok, Duration: ss.res.Duration, Detail: detail})
	if !ok {
		return false
	}
	d.addFindings(modeMismatch(findTLSModeMismatch, s, alt.Security))
	return true
}

// retryLegacy tries a legacy handshake and, when it works, says what the
// server lacks.
func (p *Prober) retryLegacy(ctx context.Context, d *Diagnosis, ip net.IP) bool {
	s := d.Server
	ss := p.attempt(ctx, s, attemptConfig{ips: []net.IP{ip}, legacy: true})
	ok := ss.res.Status == autoconfig.ProbeOK && ss.state != nil
	detail := "legacy handshake (TLS 1.0 and up, every cipher): " + okWord(ok, ss.res.Error)
	if ok {
		detail += fmt.Sprintf(" with %s %s", ss.res.TLS.Version, ss.res.TLS.Cipher)
	}
	d.addPhase(autoconfig.Phase{Name: "legacy-tls", Address: net.JoinHostPort(ip.String(), fmt.Sprint(s.Port)), OK: ok, Duration: ss.res.Duration, Detail: detail})
	if !ok {
		return false
	}
	d.TLS = ss.res.TLS
	lacks := legacyLacks(ss.state.Version, ss.state.CipherSuite)
	d.addFindings(findTLSLegacyOnly.On(s, autoconfig.Values{"lacks": strings.Join(lacks, "; ")}))
	return true
}

func securityName(s autoconfig.Security) string {
	switch s {
	case autoconfig.SecurityTLS:
		return "implicit TLS"
	case autoconfig.SecurityStartTLS:
		return "STARTTLS"
	}
	return "no encryption"
}

func okWord(ok bool, err string) string {
	if ok {
		return "works"
	}
	return "fails too (" + err + ")"
}
