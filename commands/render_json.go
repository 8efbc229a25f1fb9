package commands

import (
	"encoding/json"
	"io"

	"github.com/postino-mail/postino/autoconfig"
)

// SchemaV1 names the JSON schema documented in docs/json-schema.md.
const SchemaV1 = "postino/v1"

// report is the postino/v1 JSON envelope shared by discover, test and
// check.
type report struct {
	Schema   string                `json:"schema"`
	Command  string                `json:"command"`
	Address  string                `json:"address"`
	Domain   string                `json:"domain"`
	Duration autoconfig.Duration   `json:"duration_ms"`
	Incoming autoconfig.SideResult `json:"incoming"`
	Outgoing autoconfig.SideResult `json:"outgoing"`
	Lookups  []autoconfig.Lookup   `json:"lookups"`
	Findings []autoconfig.Finding  `json:"findings"`
	// Provider: what the best configuration document said beyond servers.
	Provider *autoconfig.ProviderFacts `json:"provider,omitempty"`
}

func newReport(command string, res *autoconfig.Result, verbose bool) *report {
	r := &report{
		Schema: SchemaV1, Command: command, Address: res.Address.String(), Domain: res.Address.Domain,
		Duration: res.Duration, Incoming: res.Incoming, Outgoing: res.Outgoing,
		Lookups: res.Lookups, Findings: res.Findings, Provider: res.Provider,
	}
	if r.Lookups == nil {
		r.Lookups = []autoconfig.Lookup{}
	}
	if r.Findings == nil {
		r.Findings = []autoconfig.Finding{}
	}
	if !verbose {
		r.Incoming = withoutTranscripts(r.Incoming)
		r.Outgoing = withoutTranscripts(r.Outgoing)
	}
	return r
}

// withoutTranscripts drops the protocol transcripts, which only --verbose
// asks for.
func withoutTranscripts(s autoconfig.SideResult) autoconfig.SideResult {
	cs := make([]autoconfig.Candidate, len(s.Candidates))
	for i, c := range s.Candidates {
		if c.Probe != nil {
			p := *c.Probe
			p.Transcript = nil
			c.Probe = &p
		}
		cs[i] = c
	}
	if s.Recommended != nil {
		for i := range cs {
			if cs[i].Key() == s.Recommended.Key() {
				s.Recommended = &cs[i]
			}
		}
	}
	s.Candidates = cs // never nil: make gives an empty slice, which JSON writes as []
	return s
}

func writeJSON(w io.Writer, v interface{}) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
