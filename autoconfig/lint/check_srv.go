package lint

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// srvLabels are RFC 6186 / RFC 8314's labels, implicit TLS first, each
// paired with its STARTTLS twin.
var srvLabels = []struct{ tls, starttls, service string }{
	{"_imaps._tcp", "_imap._tcp", "IMAP"},
	{"_pop3s._tcp", "_pop3._tcp", "POP3"},
	{"_submissions._tcp", "_submission._tcp", "submission"},
}

// checkSRV checks the RFC 6186 records: every target resolves and
// answers, the priorities prefer implicit TLS (RFC 8314 section 5.1) and
// IMAP, and services not offered say so with ".".
func (v *view) checkSRV(f *findings) {
	any := false
	var missing []string
	best := map[string]int{} // label → lowest priority
	for _, l := range srvLabels {
		for _, label := range []string{l.tls, l.starttls} {
			name := label + "." + v.domain
			lk := v.lookup("SRV " + name)
			if lk == nil {
				continue
			}
			switch {
			case lk.ErrorKind == "not-offered":
				any = true
			case found(lk):
				any = true
				best[label] = lk.Preference(0)
				for i, s := range lk.Servers {
					best[label] = min(best[label], lk.Preference(i))
					v.checkSRVTarget(f, name, s)
				}
			case lk.Outcome == autoconfig.OutcomeNone:
				missing = append(missing, name)
			}
		}
	}
	if !any {
		return
	}
	for _, l := range srvLabels {
		pt, okT := best[l.tls]
		ps, okS := best[l.starttls]
		if okT && okS && ps < pt {
			f.add("lint.srv-priority", sevWarning, "", fmt.Sprintf("%s.%s (STARTTLS) has priority %d, ahead of %s.%s (implicit TLS) at %d", l.starttls, v.domain, ps, l.tls, v.domain, pt),
				"give the implicit-TLS record the lower priority number: RFC 8314 section 5.1 prefers implicit TLS, and clients take the lowest number first")
		}
	}
	imap, imapOK := minOf(best, "_imaps._tcp", "_imap._tcp")
	pop, popOK := minOf(best, "_pop3s._tcp", "_pop3._tcp")
	if imapOK && popOK && pop < imap {
		f.add("lint.srv-priority", autoconfig.SeverityInfo, "", fmt.Sprintf("the POP3 records (priority %d) come before the IMAP ones (%d): clients that honour RFC 6186 will set up POP3", pop, imap),
			"if IMAP is meant to be the default, give its records the lower priority number (RFC 6186 section 3.4)")
	}
	if len(missing) > 0 {
		f.add("lint.srv-undeclared", sevInfo, "", "no SRV record at "+strings.Join(missing, ", "),
			"publish each service you do not offer as \"SRV 0 0 0 .\" (RFC 2782, RFC 6186 section 3.4), so that clients need not guess")
	}
}

func minOf(m map[string]int, keys ...string) (int, bool) {
	best, ok := 0, false
	for _, k := range keys {
		if p, has := m[k]; has && (!ok || p < best) {
			best, ok = p, true
		}
	}
	return best, ok
}

// checkSRVTarget: the target resolves and answers with a valid
// certificate for its own name (RFC 6186 section 6, RFC 7817).
func (v *view) checkSRVTarget(f *findings, name string, s autoconfig.Server) {
	c := v.cands[s.Key()]
	if c == nil || c.Probe == nil {
		return
	}
	if ok, why := works(c); !ok {
		p := c.Probe
		if len(p.Phases) > 0 && p.Phases[0].Name == autoconfig.PhaseResolve && !p.Phases[0].OK || p.ErrorKind == "nxdomain" || p.ErrorKind == "nodata" {
			f.add("lint.srv-target-no-address", sevError, s.Addr(), fmt.Sprintf("%s points to %s, which has no address (%s)", name, s.Host, p.Error),
				fmt.Sprintf("publish A/AAAA records for %s, or point the SRV record at the host that serves it", s.Host))
			return
		}
		f.add("lint.srv-target-dead", sevError, s.Addr(), fmt.Sprintf("%s points to %s, which %s", name, s.Addr(), why),
			"make the target answer on that port with a certificate valid for its name, or correct the record")
	}
}
