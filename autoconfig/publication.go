package autoconfig

import (
	"fmt"
	"strings"
)

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
		fs = append(fs, Finding{Code: CodeAutoconfigHTTPOnly, Severity: SeverityWarning, Side: Discovery,
			Message: "the autoconfig file is served only over plain http (" + httpURL + "): Thunderbird for Android and Delta Chat will not use it, and anyone on the way can change it",
			Hint:    "serve it over https, at https://autoconfig." + e.addr.Domain + "/mail/config-v1.1.xml with a certificate valid for that name"})
	}
	for _, key := range e.order {
		c := e.cands[key]
		q, ok := c.origins[SourceSRV]
		if !ok || c.Probe == nil || c.Probe.ErrorKind != "nxdomain" {
			continue
		}
		fs = append(fs, Finding{Code: CodeSRVTargetDead, Severity: SeverityWarning, Side: c.Side(), Server: c.Addr(),
			Message: fmt.Sprintf("%s names %s, which has no address in DNS", strings.TrimPrefix(q, "SRV "), c.Host),
			Hint:    fmt.Sprintf("publish an A or AAAA record for %s, or correct the SRV record (target \".\" says a service is not offered, RFC 2782)", c.Host)})
	}
	return fs
}
