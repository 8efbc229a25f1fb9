package autoconfig

import (
	"fmt"
	"strings"
)

// Side verdict finding codes of discovery.
const (
	CodeNothingFound   = "discovery.nothing-found"
	CodeNoAnswer       = "discovery.no-answer"
	CodeNoValidCert    = "discovery.no-valid-certificate"
	CodeUntrusted      = "discovery.untrusted-source"
	CodeNoEncryption   = "discovery.no-encryption"
	CodeNotVerified    = "discovery.not-verified"
	CodeNoSubmission   = "discovery.no-submission"
	CodePort25         = "discovery.port-25"
	CodeSourcesDisagre = "discovery.sources-disagree"
)

// judge ranks one side's candidates, picks the recommendation and gives the
// side its verdict (docs/json-schema.md, "Verdicts"): broken means the path
// does not work from here; a path postino could not fully verify is a
// warning or unknown, never broken. Every broken or warning side gets a
// finding naming its best candidate's own cause.
func (e *engine) judge(side Side, cs []Candidate, findings *[]Finding) (sr SideResult) {
	sortCandidates(cs)
	sr = SideResult{Candidates: cs, Status: StatusUnknown}
	what := "incoming (IMAP or POP3)"
	if side == Outgoing {
		what = "outgoing (SMTP submission)"
	}
	add := func(code string, sev Severity, server, msg, hint string) {
		*findings = append(*findings, Finding{Code: code, Severity: sev, Side: side, Server: server, Message: msg, Hint: hint})
	}
	if len(cs) == 0 {
		sr.Status = StatusBroken
		add(CodeNothingFound, SeverityError, "", "no source named an "+what+" server",
			"publish SRV records (RFC 6186/8314) or an autoconfig file; if you know the server, test it with postino test --imap/--pop3/--smtp HOST")
		return sr
	}
	noteDisagreement(side, cs, add)
	best := &cs[0]
	if e.o.Prober == nil {
		// Asked not to probe: recommend what the sources rank best, and
		// say plainly that nothing confirmed it.
		sr.Recommended = best
		add(CodeNotVerified, SeverityWarning, best.Addr(),
			"not probed: nothing confirmed that "+best.Addr()+" answers or that its certificate is valid",
			"run without --no-probe where the mail ports are reachable, or postino test, to verify")
		return sr
	}
	if best.Answered() {
		sr.Recommended = best
	}
	if best.Probe != nil {
		*findings = append(*findings, best.Probe.Findings...)
		if c := best.Probe.Cause; c != nil {
			*findings = append(*findings, *c)
		}
	}
	defer func() {
		// A warning on this side (a publication mistake, a probe's own
		// warning) makes a working side "works with warnings".
		if sr.Status == StatusOK && hasSideSeverity(*findings, side, SeverityWarning) {
			sr.Status = StatusWarning
		}
	}()
	switch probeTier(best) {
	case tierFailed:
		sr.Status = StatusBroken
		add(CodeNoAnswer, SeverityError, best.Addr(), fmt.Sprintf("none of the %d %s candidates answered; the best, %s: %s", len(cs), side, best.Addr(), causeText(best)),
			"check that the servers are up and that no firewall blocks their ports; the finding on "+best.Addr()+" says what failed, postino test gives every detail")
	case tierUnknown:
		add(CodeNotVerified, SeverityWarning, best.Addr(), "no probe finished: nothing confirmed that "+best.Addr()+" answers ("+causeText(best)+")",
			"run again with a longer --timeout, or postino test")
	case tierAnswered:
		sr.Status = e.judgeProblem(side, best, add)
	default:
		sr.Status = judgeWorking(side, best, add)
	}
	return sr
}

// judgeProblem gives the verdict of a best candidate that answered with a
// problem: a failed handshake or STARTTLS (its cause finding is already
// there), an invalid certificate, or an SMTP server a client cannot send
// through.
func (e *engine) judgeProblem(side Side, best *Candidate, add func(code string, sev Severity, server, msg, hint string)) Status {
	switch {
	case best.Probe.Status != ProbeOK:
		return StatusBroken
	case !best.Verified():
		add(CodeNoValidCert, SeverityError, best.Addr(),
			"the best "+string(side)+" server answers, but its certificate is not valid for "+best.Host,
			"mail clients will refuse it; install a certificate from a trusted CA that names "+best.Host)
		return StatusBroken
	}
	// SMTP that answered, with a valid certificate, but takes no login and
	// did not accept the relay check.
	relay := best.Probe.Relay
	if relay != nil && relay.Outcome == RelayUnknown {
		// A recipient-domain or temporary error says nothing about
		// relaying; the probe's finding quotes the reply.
		return StatusUnknown
	}
	if !hasError(best.Probe.Findings) {
		msg := best.Addr() + " offers no AUTH" + afterTLSWord(best.Security) + ", so no client can log in to send"
		if relay != nil {
			msg += ", and it refused to relay (" + relay.Reply + ")"
		}
		add(CodeNoSubmission, SeverityError, best.Addr(), msg,
			"this server only takes mail for its own domain or from its own network: you cannot send through it from here; use the provider's submission server (465 or 587 with AUTH)")
	}
	return StatusBroken
}

// judgeWorking gives the verdict of a verified best candidate: ok, or a
// warning for each catch.
func judgeWorking(side Side, best *Candidate, add func(code string, sev Severity, server, msg, hint string)) Status {
	st := StatusOK
	warn := func(code, msg, hint string) {
		st = StatusWarning
		add(code, SeverityWarning, best.Addr(), msg, hint)
	}
	if !best.Trusted {
		warn(CodeUntrusted, fmt.Sprintf("%s was only named by a source that cannot be trusted (%v)", best.Addr(), best.Sources),
			"check that this server really belongs to the mail provider before entering a password there")
	}
	if best.Security == SecurityNone {
		warn(CodeNoEncryption, best.Addr()+" offers no encryption: passwords and mail would cross the network in clear text",
			"enable implicit TLS (RFC 8314) or STARTTLS on the server")
	}
	if side == Outgoing && best.Port == 25 {
		why := "no submission port (465, 587) answered as well"
		if best.srcRank < sourceRank(SourceGuess) {
			why = "the domain's configuration names it"
		}
		warn(CodePort25, best.Addr()+" is port 25, where mail servers deliver to each other; it is recommended because "+why+", but it is fragile",
			"many access providers and clouds block outgoing port 25, and it often takes no login: offer submission on 465 (implicit TLS) or 587 (STARTTLS) with AUTH, and publish it")
	}
	if best.Protocol == SMTP && len(best.Probe.SASL) == 0 {
		// It accepted the relay check, or its configuration expects no
		// login: either way it sends only from a network it trusts.
		if !hasSeverity(best.Probe.Findings, SeverityWarning) {
			warn(CodeNoSubmission, best.Addr()+" takes mail without a login: this works only from the network it trusts (an access provider's relay for its own lines)",
				"from any other network use the provider's submission server with a login (465 or 587)")
		} else {
			st = StatusWarning
		}
	}
	return st
}

// causeText is what went wrong with a candidate's probe, for messages.
func causeText(c *Candidate) string {
	switch {
	case c.Probe == nil:
		return "not probed"
	case c.Probe.Error != "":
		return c.Probe.Error
	}
	return string(c.Probe.Status)
}

func afterTLSWord(s Security) string {
	if s == SecurityStartTLS {
		return " after STARTTLS"
	}
	return ""
}

func hasError(fs []Finding) bool { return hasSeverity(fs, SeverityError) }

func hasSideSeverity(fs []Finding, side Side, sev Severity) bool {
	for _, f := range fs {
		if f.Side == side && f.Severity == sev {
			return true
		}
	}
	return false
}

// hasSeverity reports whether fs holds a finding of severity sev.
func hasSeverity(fs []Finding, sev Severity) bool {
	for _, f := range fs {
		if f.Severity == sev {
			return true
		}
	}
	return false
}

// noteDisagreement says so when sources' first choices differ: a
// publication problem whoever wins, addressed to the publisher.
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
			add(CodeSourcesDisagre, SeverityInfo, "",
				fmt.Sprintf("%s sources disagree: %s names %s, %s names %s", side, order[0], first[order[0]], s, first[s]),
				"publishers should keep all their records ("+strings.Join([]string{string(order[0]), string(s)}, " and ")+") in step; the ranking prefers verified, trusted, encrypted servers")
		}
	}
}
