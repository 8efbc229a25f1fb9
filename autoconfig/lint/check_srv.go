package lint

import (
	"strconv"
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
			f.add(newFinding(findSRVPriorityTLS, "", autoconfig.Values{"starttls": l.starttls + "." + v.domain, "starttls-priority": strconv.Itoa(ps),
				"tls": l.tls + "." + v.domain, "tls-priority": strconv.Itoa(pt)}))
		}
	}
	imap, imapOK := minOf(best, "_imaps._tcp", "_imap._tcp")
	pop, popOK := minOf(best, "_pop3s._tcp", "_pop3._tcp")
	if imapOK && popOK && pop < imap {
		f.add(newFinding(findSRVPriorityPOP3, "", autoconfig.Values{"pop3-priority": strconv.Itoa(pop), "imap-priority": strconv.Itoa(imap)}))
	}
	if len(missing) > 0 {
		f.add(newFinding(findSRVUndeclared, "", autoconfig.Values{"names": strings.Join(missing, ", ")}))
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
			f.add(newFinding(findSRVTargetNoAddress, s.Addr(), autoconfig.Values{"record": name, "host": s.Host, "error": p.Error}))
			return
		}
		f.add(newFinding(findSRVTargetDead, s.Addr(), autoconfig.Values{"record": name, "server": s.Addr(), "why": why}))
	}
}
