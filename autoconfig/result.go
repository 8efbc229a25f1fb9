package autoconfig

import "sort"

// Status is a path's verdict.
type Status string

const (
	StatusOK      Status = "ok"      // a verified, trusted, encrypted server
	StatusWarning Status = "warning" // usable, with a catch (untrusted source, no encryption)
	StatusBroken  Status = "broken"  // nothing usable
	StatusUnknown Status = "unknown" // not probed
)

// Worse is the worse of two verdicts: broken, unknown, warning, ok.
func Worse(a, b Status) Status {
	rank := map[Status]int{StatusOK: 0, StatusWarning: 1, StatusUnknown: 2, StatusBroken: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Result is everything discovery learnt about an address.
type Result struct {
	Address  Address
	Duration Duration
	Incoming SideResult
	Outgoing SideResult
	// Lookups lists every question asked, in a stable order (by source,
	// then query), never in completion order.
	Lookups  []Lookup
	Findings []Finding
	// Provider holds what the best configuration document said beyond
	// servers; nil when no document was found.
	Provider *ProviderFacts
}

// ProviderFacts are a configuration document's facts that writers need
// and servers do not carry.
type ProviderFacts struct {
	Source      Source `json:"source"`
	DisplayName string `json:"display_name,omitempty"`
	// POP3 options keyed by Server.Key().
	POP3   map[string]POP3Options `json:"pop3,omitempty"`
	OAuth2 *OAuth2Info            `json:"oauth2,omitempty"`
	// Advice gathers what every trusted source that answered tells the
	// user beyond the servers, best source first.
	Advice []Advice `json:"advice,omitempty"`
}

// providerFacts picks the document to believe: trusted before untrusted,
// then by source rank, as candidates are ranked.
func providerFacts(lks []Lookup) *ProviderFacts {
	var best *Lookup
	for i := range lks {
		lk := &lks[i]
		if lk.config == nil || lk.Outcome != OutcomeFound {
			continue
		}
		if best == nil || (lk.Trusted && !best.Trusted) ||
			(lk.Trusted == best.Trusted && sourceRank(lk.Source) < sourceRank(best.Source)) {
			best = lk
		}
	}
	if best == nil {
		return nil
	}
	c := best.config
	facts := &ProviderFacts{Source: best.Source, DisplayName: c.DisplayName, POP3: c.POP3, OAuth2: c.OAuth2}
	trusted := make([]*Lookup, 0, len(lks))
	for i := range lks {
		if lk := &lks[i]; lk.config != nil && lk.Outcome == OutcomeFound && lk.Trusted {
			trusted = append(trusted, lk)
		}
	}
	sort.SliceStable(trusted, func(i, j int) bool { return sourceRank(trusted[i].Source) < sourceRank(trusted[j].Source) })
	for _, lk := range trusted {
		facts.Advice = mergeAdvice(facts.Advice, lk.config.Advice...)
	}
	return facts
}

// SideResult is one path: incoming (IMAP, POP3) or outgoing (SMTP).
type SideResult struct {
	Status Status `json:"status"`
	// Recommended is the best candidate that answered, nil if none did.
	Recommended *Candidate  `json:"recommended"`
	Candidates  []Candidate `json:"candidates"`
}

// Candidate is one server named by one or more sources.
type Candidate struct {
	Server
	Sources []Source `json:"sources"`
	Trusted bool     `json:"trusted"`
	// Notes record where sources disagree about this server (username
	// form, authentication) and why it ranks where it does.
	Notes []string `json:"notes,omitempty"`
	// AuthFromProbe: no source stated the authentication methods; Auth was
	// read from the server's capabilities.
	AuthFromProbe bool         `json:"auth_from_probe,omitempty"`
	Probe         *ProbeResult `json:"probe,omitempty"`

	pref    int // best publisher preference among its sources
	srcRank int // best source rank among its sources
	// origins are the queries (URL or DNS name) that named it, one per
	// source, so a publication problem can name where it was published.
	origins map[Source]string
}

// Answered reports whether the server spoke its protocol to the probe.
func (c *Candidate) Answered() bool { return c.Probe != nil && c.Probe.Status == ProbeOK }

// Verified reports whether the probe proved the candidate usable.
func (c *Candidate) Verified() bool { return c.Probe.Verified() }
