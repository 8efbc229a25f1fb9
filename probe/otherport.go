package probe

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// CodeOtherPortWorks: the server failed, the same service in the other
// security mode on its standard port works.
const CodeOtherPortWorks = "net.other-port-works"

// otherPort is the counterpart of s: the same service with the other kind
// of TLS on its standard port (993 and 143, 995 and 110, 465 and 587).
// Servers on non-standard ports, on port 25, or without TLS have none.
func otherPort(s autoconfig.Server) (autoconfig.Server, bool) {
	if s.Security == autoconfig.SecurityNone || s.Port == 25 || s.Port != autoconfig.DefaultPort(s.Protocol, s.Security) {
		return s, false
	}
	alt := s
	alt.Security = autoconfig.SecurityStartTLS
	if s.Security == autoconfig.SecurityStartTLS {
		alt.Security = autoconfig.SecurityTLS
	}
	alt.Port = autoconfig.DefaultPort(s.Protocol, alt.Security)
	return alt, true
}

// tryOtherPort probes the counterpart on one address; the session is nil
// when there is none.
func (p *Prober) tryOtherPort(ctx context.Context, s autoconfig.Server, ip net.IP) *session {
	alt, ok := otherPort(s)
	if !ok {
		return nil
	}
	return p.attempt(ctx, alt, attemptConfig{ips: []net.IP{ip}})
}

// reportOtherPort records the counterpart's phase and, when the server
// itself is broken and the counterpart works, the finding that says so.
func (d *Diagnosis) reportOtherPort(alt *session) {
	if alt == nil {
		return
	}
	a := alt.srv
	r := alt.res
	ok := r.Status == autoconfig.ProbeOK
	detail := fmt.Sprintf("port %d with %s: %s", a.Port, securityName(a.Security), okWord(ok, r.Error))
	if ok && r.TLS != nil {
		detail = fmt.Sprintf("port %d with %s: works (%s)", a.Port, securityName(a.Security), r.TLS.Version)
		if len(r.TLS.Problems) > 0 {
			detail += "; certificate: " + strings.Join(r.TLS.Problems, "; ")
		}
	}
	if ok && r.Relay != nil && r.Relay.Outcome != autoconfig.RelayAccepted {
		// It answers, but takes no login and no mail for elsewhere: no
		// better than the server itself (relay.go).
		ok = false
		detail = fmt.Sprintf("port %d with %s: answers, but offers no AUTH and the relay check says %s (%s)", a.Port, securityName(a.Security), r.Relay.Outcome, r.Relay.Reply)
	}
	if r.ErrorKind == KindCanceled {
		detail = fmt.Sprintf("port %d with %s: not checked to the end (the server works; no need to wait)", a.Port, securityName(a.Security))
	}
	addr := alt.addr
	if addr == "" && len(alt.cfg.ips) > 0 {
		addr = net.JoinHostPort(alt.cfg.ips[0].String(), fmt.Sprint(a.Port))
	}
	d.addPhase(autoconfig.Phase{Name: "other-port", Address: addr, OK: ok, Duration: r.Duration, Detail: detail})
	if ok && d.Verdict() == autoconfig.StatusBroken && r.Verified() {
		d.addFindings(findOtherPortWorks.On(d.Server, autoconfig.Values{"mode": securityName(a.Security), "port": strconv.Itoa(a.Port),
			"protocol": string(a.Protocol), "host": a.Host, "security": string(a.Security), "failing-port": strconv.Itoa(d.Server.Port)}))
	}
}
