package autoconfig

import "strings"

// Publication problem codes: mistakes in what the domain publishes, found
// whatever wins the ranking and addressed to the domain's admin.
const (
	CodeAutoconfigHTTPOnly = "discovery.autoconfig-http-only"
	CodeSRVTargetDead      = "dns.srv-target-dead"
)

// publicationFindings reports problems of the domain's publications that
// the ranking works around but clients may not: an autoconfig file served
// only over plain http, an SRV record whose target has no address. (A
// published wrong security mode is reported by correctMode; sources that
// disagree by noteDisagreement.)
func (e *engine) publicationFindings() []Finding {
	var fs []Finding
	httpsFound, httpURL := false, ""
	for _, lk := range e.lookups {
		switch {
		case lk.Outcome != OutcomeFound:
		case lk.Source == SourceAutoconfig || lk.Source == SourceWellKnown:
			httpsFound = true
		case lk.Source == SourceAutoconfigHTTP && httpURL == "":
			httpURL = lk.Query
		}
	}
	if httpURL != "" && !httpsFound {
		fs = append(fs, findAutoconfigHTTPOnly.New(Discovery, "", Values{"url": httpURL, "domain": e.addr.Domain}))
	}
	for _, key := range e.order {
		c := e.cands[key]
		q, ok := c.origins[SourceSRV]
		if !ok || c.Probe == nil || c.Probe.ErrorKind != "nxdomain" {
			continue
		}
		fs = append(fs, findSRVTargetDead.On(c.Server, Values{"record": strings.TrimPrefix(q, "SRV ")}))
	}
	return fs
}
