package autoconfig

import "sort"

// The ranking rules of docs/json-schema.md ("Ranking"), one function each,
// combined in keyOf. Every rule has a unit test that states it in its name
// (rank_test.go).

// sourceRank orders sources as ranking rule (5) does: the domain's own
// publication, the ISPDB, the built-in database, MX-based, autodiscover,
// plain-http autoconfig, guessing (the rank column of sourceTable). A name
// that is no source ranks last, with guesses.
func sourceRank(s Source) int {
	if r, ok := sourceOf(s); ok {
		return r.rank
	}
	return sourceRank(SourceGuess)
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

// Probe tiers, rule (1): an answer always beats silence.
const (
	tierVerified = iota // answered, TLS valid for the name, and for SMTP a submission service
	tierAnswered        // answered with a problem: bad certificate, STARTTLS refused, legacy TLS, no AUTH
	tierUnknown         // not probed (yet)
	tierFailed          // refused the connection, did not resolve, or never answered
)

// answeredKinds are the probe error kinds (package probe's Kind*) of a
// server that did answer, only not the way a client needs: a TLS alert, a
// refused or missing STARTTLS, the other security mode, a malformed reply.
var answeredKinds = map[string]bool{
	"tls": true, "protocol": true, "starttls-missing": true, "starttls-refused": true,
}

func probeTier(c *Candidate) int {
	switch {
	case c.Probe == nil || c.Probe.Status == ProbeSkipped:
		return tierUnknown
	case c.Probe.Status == ProbeOK && c.Probe.Verified() && c.submissionReady():
		return tierVerified
	case c.Probe.Status == ProbeOK || answeredKinds[c.Probe.ErrorKind]:
		return tierAnswered
	default:
		return tierFailed
	}
}

// configExpectsNoAuth: the configuration itself says this SMTP server
// takes mail without a login, so a missing AUTH is expected. Methods read
// from the server's capabilities say nothing about the configuration.
func (c *Candidate) configExpectsNoAuth() bool {
	return !c.AuthFromProbe && c.ExpectsNoLogin()
}

// submissionReady: a client can send through this candidate, as far as
// known. Not SMTP, not probed, offers AUTH on its protected connection,
// accepted the relay check, or its configuration expects no AUTH.
func (c *Candidate) submissionReady() bool {
	if c.Protocol != SMTP || c.Probe == nil || c.Probe.Status != ProbeOK {
		return true
	}
	return c.Probe.SubmissionReady() || c.configExpectsNoAuth()
}

// submissionRank is rule (3), outgoing only: a submission service before
// a relay (AUTH offered, or the configuration expects none), then port 465
// or 587 (or any other) before 25, where mail servers deliver to each
// other and which access providers block. The port number decides nothing
// else.
func submissionRank(c *Candidate) (auth, port25 int) {
	if c.Protocol != SMTP {
		return 0, 0
	}
	if !c.submissionReady() {
		auth = 1
	}
	if c.Port == 25 {
		port25 = 1
	}
	return auth, port25
}

// guessRank is rule (5)'s source order brought forward among candidates
// that did not verify: of two servers with problems, the one the domain
// publishes is the one its users are told to use, and the one to diagnose.
func guessRank(c *Candidate, tier int) int {
	if tier != tierVerified && c.srcRank == sourceRank(SourceGuess) {
		return 1
	}
	return 0
}

// rankKey is the ranking as a lexicographic key, lower first: (1) probe
// tier, (2) trusted, published before guessed when not verified, (3)
// submission before relay and not port 25, (4) security, (5) source and
// the publisher's own preference (SRV priority across labels, file order),
// (6) IMAP before POP3; the port only breaks what is left.
type rankKey [10]int

func keyOf(c *Candidate, tier int) rankKey {
	trusted, proto := 1, 0
	if c.Trusted {
		trusted = 0
	}
	if c.Protocol == POP3 {
		proto = 1
	}
	auth, port25 := submissionRank(c)
	return rankKey{tier, trusted, guessRank(c, tier), auth, port25, securityRank(c.Security), c.srcRank, c.pref, proto, c.Port}
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
