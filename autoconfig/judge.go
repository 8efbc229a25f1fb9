package autoconfig

import (
	"fmt"
	"strconv"
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
	add := func(f Finding) { *findings = append(*findings, f) }
	if len(cs) == 0 {
		sr.Status = StatusBroken
		add(findNothingFound.New(side, "", Values{"side": what}))
		return sr
	}
	noteDisagreement(side, cs, add)
	best := &cs[0]
	if e.o.Prober == nil {
		// Asked not to probe: recommend what the sources rank best, and
		// say plainly that nothing confirmed it.
		sr.Recommended = best
		add(findNotVerified.On(best.Server, Values{"reason": "not probed", "unverified": " or that its certificate is valid",
			"how": "without --no-probe where the mail ports are reachable"}))
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
		add(findNoAnswer.On(best.Server, Values{"n": strconv.Itoa(len(cs)), "side": string(side), "cause": causeText(best)}))
	case tierUnknown:
		add(findNotVerified.On(best.Server, Values{"reason": "no probe finished", "unverified": " (" + causeText(best) + ")",
			"how": "again with a longer --timeout"}))
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
func (e *engine) judgeProblem(side Side, best *Candidate, add func(Finding)) Status {
	switch {
	case best.Probe.Status != ProbeOK:
		return StatusBroken
	case !best.Verified():
		add(findNoValidCert.On(best.Server, Values{"side": string(side)}))
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
		refused := ""
		if relay != nil {
			refused = ", and it refused to relay (" + relay.Reply + ")"
		}
		add(findNoSubmission.On(best.Server, Values{"after-tls": afterTLSWord(best.Security), "relay": refused}))
	}
	return StatusBroken
}

// judgeWorking gives the verdict of a verified best candidate: ok, or a
// warning for each catch.
func judgeWorking(side Side, best *Candidate, add func(Finding)) Status {
	st := StatusOK
	warn := func(f Finding) {
		st = StatusWarning
		add(f)
	}
	if !best.Trusted {
		warn(findUntrusted.On(best.Server, Values{"sources": fmt.Sprint(best.Sources)}))
	}
	if best.Security == SecurityNone {
		warn(findNoEncryption.On(best.Server, nil))
	}
	if side == Outgoing && best.Port == 25 {
		why := "no submission port (465, 587) answered as well"
		if best.srcRank < sourceRank(SourceGuess) {
			why = "the domain's configuration names it"
		}
		warn(findPort25.On(best.Server, Values{"why": why}))
	}
	if best.Protocol == SMTP && len(best.Probe.SASL) == 0 {
		// It accepted the relay check, or its configuration expects no
		// login: either way it sends only from a network it trusts.
		if !hasSeverity(best.Probe.Findings, SeverityWarning) {
			warn(findRelayFromOwnNetwork.On(best.Server, nil))
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
func noteDisagreement(side Side, cs []Candidate, add func(Finding)) {
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
			add(findSourcesDisagree.New(side, "", Values{"side": string(side),
				"a": string(order[0]), "x": first[order[0]], "b": string(s), "y": first[s]}))
		}
	}
}
