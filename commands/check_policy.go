package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// checkPolicy is what turns test's findings into a health check's verdict:
// thresholds, findings made fatal, findings ignored.
type checkPolicy struct {
	// CertWarnDays and CertCritDays are Nagios' -D: a certificate with
	// fewer days left is a warning, fewer than CertCritDays critical.
	// Zero CertCritDays means only an expired certificate is critical.
	CertWarnDays int `json:"cert_warn_days,omitempty"`
	CertCritDays int `json:"cert_crit_days,omitempty"`
	// WarnTime and CritTime bound a server's response time (connect, TLS,
	// greeting and capabilities on its first working address); zero is no
	// bound.
	WarnTime time.Duration `json:"-"`
	CritTime time.Duration `json:"-"`
	// Require lists finding codes that are errors whatever their usual
	// severity; Ignore lists codes dropped altogether.
	Require []string `json:"require,omitempty"`
	Ignore  []string `json:"ignore,omitempty"`
}

// requireAliases are the words --require and --ignore take besides codes.
// ipv6/ipv4 also require the server to publish such an address at all.
var requireAliases = map[string][]string{
	"starttls": {probe.CodeIMAPStartTLS, probe.CodePOP3StartTLS, probe.CodeSMTPStartTLS,
		probe.CodeIMAPStartTLSRefus, probe.CodePOP3StartTLSRefus, probe.CodeSMTPStartTLSRefus},
	"ipv6": {probe.CodeIPv6Unreachable, findCheckIPv6Missing.Code},
	"ipv4": {probe.CodeIPv4Unreachable, findCheckIPv4Missing.Code},
	"cert": {probe.CodeCertExpiring},
}

// expandCodes reads a list of codes and aliases (comma-separated, or one
// per flag) and checks that each exists.
func expandCodes(flag string, vals []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		for _, w := range strings.Split(v, ",") {
			w = strings.ToLower(strings.TrimSpace(w))
			if w == "" {
				continue
			}
			if codes, ok := requireAliases[w]; ok {
				out = append(out, codes...)
				continue
			}
			if _, ok := autoconfig.LookupFinding(w); !ok {
				hint := "the aliases are starttls, ipv6, ipv4 and cert; postino explain lists the codes"
				if s := similarCodes(w); len(s) > 0 {
					hint = strings.TrimSpace(didYouMean(s))
				}
				return nil, withHint(usageError{fmt.Errorf("--%s %q: no such finding code", flag, w)}, hint)
			}
			out = append(out, w)
		}
	}
	return out, nil
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// apply rewrites rep's findings and verdicts by the policy, in place.
func (p checkPolicy) apply(rep *testReport) {
	owner := map[string]*probe.Diagnosis{}
	for _, s := range []*testSide{&rep.Incoming, &rep.Outgoing} {
		for _, ts := range s.Servers {
			d := ts.Diagnosis
			owner[d.Server.Addr()] = d
			d.Findings = append(d.Findings, p.extra(d)...)
			d.Findings = p.rewrite(d.Findings, owner)
			d.Status = d.Verdict()
		}
	}
	// The report's own list is discovery's findings followed by every
	// server's; rebuild it from the rewritten parts.
	var fs []autoconfig.Finding
	for _, f := range rep.Findings {
		// Discovery's findings about a diagnosed server (an untrusted
		// source, port 25) stay; the server's own come again below.
		if d := owner[f.Server]; d == nil || !slices.ContainsFunc(d.Findings, func(g autoconfig.Finding) bool { return g.Code == f.Code }) {
			fs = append(fs, f)
		}
	}
	fs = p.rewrite(fs, owner)
	rep.Incoming.Status = sideStatus(rep.Incoming, fs, autoconfig.Incoming)
	rep.Outgoing.Status = sideStatus(rep.Outgoing, fs, autoconfig.Outgoing)
	for _, s := range []testSide{rep.Incoming, rep.Outgoing} {
		for _, ts := range s.Servers {
			fs = append(fs, ts.Findings...)
		}
	}
	rep.Findings = append([]autoconfig.Finding{}, fs...)
}

// extra are the findings only check makes: response time and the
// addresses --require ipv6/ipv4 wants.
func (p checkPolicy) extra(d *probe.Diagnosis) []autoconfig.Finding {
	var fs []autoconfig.Finding
	if rt, ok := responseTime(d); ok {
		slow := func(sev autoconfig.Severity, flag string, limit time.Duration) {
			f := findCheckSlow.On(d.Server, autoconfig.Values{"time": ms(autoconfig.Duration(rt)), "flag": flag, "limit": limit.String()})
			f.Severity = sev
			fs = append(fs, f)
		}
		switch {
		case p.CritTime > 0 && rt > p.CritTime:
			slow(autoconfig.SeverityError, "--crit-time", p.CritTime)
		case p.WarnTime > 0 && rt > p.WarnTime:
			slow(autoconfig.SeverityWarning, "--warn-time", p.WarnTime)
		}
	}
	fams := map[string]bool{}
	for _, a := range d.Addresses {
		fams[a.Family] = true
	}
	if len(d.Addresses) > 0 && has(p.Require, findCheckIPv6Missing.Code) && !fams["ipv6"] {
		fs = append(fs, findCheckIPv6Missing.On(d.Server, nil))
	}
	if len(d.Addresses) > 0 && has(p.Require, findCheckIPv4Missing.Code) && !fams["ipv4"] {
		fs = append(fs, findCheckIPv4Missing.On(d.Server, nil))
	}
	return fs
}

// rewrite drops ignored findings and raises required ones and
// certificates below --cert-crit-days to errors.
func (p checkPolicy) rewrite(fs []autoconfig.Finding, owner map[string]*probe.Diagnosis) []autoconfig.Finding {
	out := []autoconfig.Finding{}
	for _, f := range fs {
		if has(p.Ignore, f.Code) {
			continue
		}
		if has(p.Require, f.Code) {
			f.Severity = autoconfig.SeverityError
		}
		if d := owner[f.Server]; f.Code == probe.CodeCertExpiring && d != nil && d.TLS != nil && d.TLS.DaysLeft < p.CertCritDays {
			f.Severity = autoconfig.SeverityError
		}
		out = append(out, f)
	}
	return out
}

// responseTime is how long the first working address took from connect
// to the last capability.
func responseTime(d *probe.Diagnosis) (time.Duration, bool) {
	for _, a := range d.Addresses {
		if a.OK {
			return time.Duration(a.Duration), true
		}
	}
	return 0, false
}

// sideStatus is a path's verdict: its worst server, broken with no server
// or a discovery error on that path, and at least a warning with a
// discovery warning on it (an untrusted source, port 25, a relay that
// works only from here, a publication mistake), so that test and check
// never say ok where discover warns. check calls it again after its
// policy rewrote the findings.
func sideStatus(s testSide, discovery []autoconfig.Finding, side autoconfig.Side) autoconfig.Status {
	if s.Status == statusSkipped {
		return statusSkipped
	}
	if len(s.Servers) == 0 {
		return autoconfig.StatusBroken
	}
	st := autoconfig.StatusOK
	for _, ts := range s.Servers {
		st = autoconfig.Worse(st, ts.Status)
	}
	for _, f := range discovery {
		if f.Side == side {
			st = autoconfig.Worse(st, f.Severity.Status())
		}
	}
	return st
}
