package autoconfig

import "sort"

// sourceRank orders sources as DESIGN.md's ranking rule (4) does: the
// domain's own publication, the ISPDB, the built-in database, MX-based,
// autodiscover, then what is left.
func sourceRank(s Source) int {
	switch s {
	case SourceSRV, SourceAutoconfig, SourceWellKnown:
		return 0
	case SourceISPDB:
		return 1
	case SourceProviders:
		return 2
	case SourceMX:
		return 3
	case SourceAutodiscover:
		return 4
	case SourceAutoconfigHTTP:
		return 5
	default: // guess
		return 6
	}
}

func securityRank(s Security) int {
	switch s {
	case SecurityTLS:
		return 0
	case SecurityStartTLS:
		return 1
	default:
		return 2
	}
}

// Probe tiers: a candidate that does not answer is never recommended over
// one that does.
const (
	tierVerified = iota // answered, TLS valid for the name
	tierAnswered        // answered, but the certificate has problems
	tierUnknown         // not probed (yet)
	tierFailed          // did not answer
)

func probeTier(c *Candidate) int {
	switch {
	case c.Probe == nil:
		return tierUnknown
	case c.Probe.Verified():
		return tierVerified
	case c.Probe.Status == ProbeOK:
		return tierAnswered
	case c.Probe.Status == ProbeSkipped:
		return tierUnknown
	default:
		return tierFailed
	}
}

// rankKey is the Contract's ranking rule as a lexicographic key, lower
// first: (1) verified, (2) trusted, (3) security, (4) source, then the
// publisher's own preference (SRV priority across labels, file order), (5)
// IMAP before POP3.
type rankKey [7]int

func keyOf(c *Candidate, tier int) rankKey {
	trusted, proto := 1, 0
	if c.Trusted {
		trusted = 0
	}
	if c.Protocol == POP3 {
		proto = 1
	}
	return rankKey{tier, trusted, securityRank(c.Security), c.srcRank, c.pref, proto, c.Port}
}

func (a rankKey) less(b rankKey) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// sortCandidates orders candidates by rank, breaking full ties by host
// name so the order never depends on timing.
func sortCandidates(cs []Candidate) {
	sort.SliceStable(cs, func(i, j int) bool {
		ki, kj := keyOf(&cs[i], probeTier(&cs[i])), keyOf(&cs[j], probeTier(&cs[j]))
		if ki != kj {
			return ki.less(kj)
		}
		return cs[i].Host < cs[j].Host
	})
}
