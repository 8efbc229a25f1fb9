package autoconfig

import "fmt"

// judge ranks one side's candidates, picks the recommendation and gives the
// side its verdict, adding the findings that explain it.
func (e *engine) judge(side Side, cs []Candidate, findings *[]Finding) SideResult {
	sortCandidates(cs)
	sr := SideResult{Candidates: cs, Status: StatusUnknown}
	what := "incoming (IMAP or POP3)"
	if side == Outgoing {
		what = "outgoing (SMTP submission)"
	}
	add := func(code string, sev Severity, server, msg, hint string) {
		*findings = append(*findings, Finding{Code: code, Severity: sev, Side: side, Server: server, Message: msg, Hint: hint})
	}
	if len(cs) == 0 {
		sr.Status = StatusBroken
		add("discovery.nothing-found", SeverityError, "", "no source named an "+what+" server",
			"publish SRV records (RFC 6186/8314) or an autoconfig file; if you know the server, test it with postino test --imap/--pop3/--smtp HOST")
		return sr
	}
	noteDisagreement(side, cs, add)
	if e.o.Prober == nil {
		// Asked not to probe: recommend what the sources rank best, and
		// say plainly that nothing confirmed it.
		sr.Recommended = &cs[0]
		add("discovery.not-verified", SeverityWarning, cs[0].Addr(),
			"not probed: nothing confirmed that "+cs[0].Addr()+" answers or that its certificate is valid",
			"run without --no-probe where the mail ports are reachable, or postino test, to verify")
		return sr
	}
	best := &cs[0]
	if !best.Answered() {
		sr.Status = StatusBroken
		add("discovery.no-answer", SeverityError, "", fmt.Sprintf("none of the %d %s candidates answered", len(cs), side),
			"check that the servers are up and that no firewall blocks their ports; run postino test for the details")
		return sr
	}
	sr.Recommended = best
	*findings = append(*findings, best.Probe.Findings...)
	switch {
	case !best.Verified():
		sr.Status = StatusBroken
		add("discovery.no-valid-certificate", SeverityError, best.Addr(),
			"the best "+string(side)+" server answers, but its certificate is not valid for "+best.Host,
			"mail clients will refuse it; install a certificate from a trusted CA that names "+best.Host)
	case !best.Trusted:
		sr.Status = StatusWarning
		add("discovery.untrusted-source", SeverityWarning, best.Addr(),
			fmt.Sprintf("%s was only named by a source that cannot be trusted (%v)", best.Addr(), best.Sources),
			"check that this server really belongs to the mail provider before entering a password there")
	case best.Security == SecurityNone:
		sr.Status = StatusWarning
		add("discovery.no-encryption", SeverityWarning, best.Addr(),
			best.Addr()+" offers no encryption: passwords and mail would cross the network in clear text",
			"enable implicit TLS (RFC 8314) or STARTTLS on the server")
	default:
		sr.Status = StatusOK
	}
	return sr
}

// noteDisagreement says so when sources' first choices differ.
func noteDisagreement(side Side, cs []Candidate, add func(code string, sev Severity, server, msg, hint string)) {
	first := map[Source]string{}
	var order []Source
	for _, c := range cs {
		for _, s := range c.Sources {
			if _, ok := first[s]; !ok && s != SourceGuess {
				first[s] = c.Addr() + " " + string(c.Security)
				order = append(order, s)
			}
		}
	}
	for _, s := range order[min(1, len(order)):] {
		if first[s] != first[order[0]] {
			add("discovery.sources-disagree", SeverityInfo, "",
				fmt.Sprintf("%s sources disagree: %s names %s, %s names %s", side, order[0], first[order[0]], s, first[s]),
				"the ranking prefers verified, trusted, encrypted servers; publishers should keep all their records in step")
		}
	}
}
