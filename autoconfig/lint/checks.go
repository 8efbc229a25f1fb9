package lint

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// findings collects a run's findings, each once.
type findings struct {
	out  []autoconfig.Finding
	seen map[string]bool
}

func (f *findings) add(x autoconfig.Finding) {
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[x.Code+" "+x.Message] {
		return
	}
	f.seen[x.Code+" "+x.Message] = true
	f.out = append(f.out, x)
}

// newFinding builds a lint finding: every lint finding is about discovery,
// server is host:port or "".
func newFinding(d autoconfig.FindingDef, server string, v autoconfig.Values) autoconfig.Finding {
	return d.New(autoconfig.Discovery, server, v)
}

// carried builds a lint finding from a parser's finding x about the
// publication url, keeping x's hint, which names the fix.
func carried(d autoconfig.FindingDef, url string, x autoconfig.Finding) autoconfig.Finding {
	c := newFinding(d, "", autoconfig.Values{"url": url, "problem": x.Message})
	c.Hint = x.Hint
	return c
}

const (
	sevError   = autoconfig.SeverityError
	sevWarning = autoconfig.SeverityWarning
	sevInfo    = autoconfig.SeverityInfo
)

// isPublication reports whether lk asked one of the domain's own
// publications (or its ISPDB entry), as opposed to MX-derived providers,
// the built-in database and guessing.
func isPublication(lk *autoconfig.Lookup) bool {
	switch lk.Source {
	case autoconfig.SourceAutoconfig, autoconfig.SourceWellKnown, autoconfig.SourceAutoconfigHTTP,
		autoconfig.SourceISPDB, autoconfig.SourceAutodiscover, autoconfig.SourceSRV:
		return true
	}
	return false
}

func isAutoconfig(lk *autoconfig.Lookup) bool {
	switch lk.Source {
	case autoconfig.SourceAutoconfig, autoconfig.SourceWellKnown, autoconfig.SourceAutoconfigHTTP, autoconfig.SourceISPDB:
		return true
	}
	return false
}

// publications lists the domain's publications with their evidence.
func (v *view) publications() []Publication {
	var out []Publication
	for i := range v.res.Lookups {
		lk := &v.res.Lookups[i]
		if !isPublication(lk) {
			continue
		}
		p := Publication{Source: lk.Source, Query: lk.Query, Outcome: lk.Outcome, ErrorKind: lk.ErrorKind, Error: lk.Error,
			Trusted: lk.Trusted, HTTP: lk.HTTP, Servers: lk.Servers}
		if isAutoconfig(lk) && hasDocument(lk) {
			errs := ValidateAutoconfig(lk.Document)
			valid := len(errs) == 0
			p.SchemaValid, p.SchemaErrors = &valid, errs
		}
		out = append(out, p)
	}
	return out
}

// hasDocument: lk read a document that claims to be a config (found, or
// failed to parse), not a 404 page or a web site's home page.
func hasDocument(lk *autoconfig.Lookup) bool {
	return len(lk.Document) > 0 && (lk.Outcome == autoconfig.OutcomeFound || lk.ErrorKind == "malformed")
}

// check runs every publication check.
func (v *view) check() []autoconfig.Finding {
	f := &findings{}
	for i := range v.res.Lookups {
		lk := &v.res.Lookups[i]
		if !isPublication(lk) {
			continue
		}
		v.checkHTTP(f, lk)
		if isAutoconfig(lk) && hasDocument(lk) {
			v.checkAutoconfigDoc(f, lk)
		}
		if lk.Source == autoconfig.SourceAutodiscover && hasDocument(lk) {
			checkAutodiscoverDoc(f, lk)
		}
		v.reEmit(f, lk)
	}
	v.checkHTTPOnly(f)
	v.checkAutodiscover(f)
	v.checkSRV(f)
	v.checkConsistency(f)
	return f.out
}

// reEmit carries the parsers' data problems over as lint findings naming
// the publication, except those a lint check reports more precisely.
func (v *view) reEmit(f *findings, lk *autoconfig.Lookup) {
	for _, x := range lk.Findings {
		switch {
		case x.Code == "autodiscover.redirect-cross-domain":
			f.add(carried(findRedirectCrossDomain, lk.Query, x))
		case x.Code == "autoconfig.data-problem" && isAutoconfig(lk):
			if strings.Contains(x.Message, "placeholder") || strings.Contains(x.Message, "socketType plain with password") {
				continue // lint.autoconfig-placeholder, lint.cleartext-password
			}
			f.add(carried(findAutoconfigData, lk.Query, x))
		case x.Code == "autodiscover.data-problem":
			f.add(carried(findAutodiscoverData, stripMethod(lk.Query), x))
		}
	}
}

func stripMethod(q string) string { return strings.TrimPrefix(q, "GET ") }

// checkHTTP judges how an http(s) publication was served: certificate,
// content type, redirects.
func (v *view) checkHTTP(f *findings, lk *autoconfig.Lookup) {
	if lk.HTTP == nil {
		return
	}
	q := stripMethod(lk.Query)
	host := hostOf(q)
	if lk.ErrorKind == "tls" && strings.HasPrefix(q, "https://") {
		f.add(newFinding(findHTTPSCertificate, host+":443", autoconfig.Values{"host": host, "error": shortCertError(lk.Error)}))
	}
	if hasDocument(lk) && !strings.Contains(strings.ToLower(lk.HTTP.ContentType), "xml") {
		ct := lk.HTTP.ContentType
		if ct == "" {
			ct = "no content type"
		}
		f.add(newFinding(findContentType, "", autoconfig.Values{"url": q, "type": strconv.Quote(ct)}))
	}
	hops := lk.HTTP.Hops
	for i := 1; i < len(hops); i++ {
		switch {
		case strings.HasPrefix(hops[0].URL, "https://") && strings.HasPrefix(hops[i].URL, "http://"):
			f.add(newFinding(findRedirectToHTTP, "", autoconfig.Values{"url": q, "target": hops[i].URL}))
		case !autoconfig.SameOrganisation(hostOf(hops[i].URL), v.domain):
			f.add(newFinding(findRedirectOutside, "", autoconfig.Values{"url": q, "target": hops[i].URL, "domain": autoconfig.RegistrableDomain(v.domain)}))
		}
	}
	if lk.ErrorKind == "redirect" {
		f.add(newFinding(findRedirectBroken, "", autoconfig.Values{"url": q, "error": lk.Error}))
	}
}

// shortCertError shortens crypto/x509's "certificate is valid for A, B,
// C, …, not X", whose list can run to hundreds of names on a shared
// hosting certificate.
func shortCertError(e string) string {
	const valid = "certificate is valid for "
	i := strings.Index(e, valid)
	j := strings.LastIndex(e, ", not ")
	if i < 0 || j < i {
		return e
	}
	names := strings.Split(e[i+len(valid):j], ", ")
	if len(names) <= 3 {
		return e
	}
	return fmt.Sprintf("%s%s and %d more%s", e[:i+len(valid)], strings.Join(names[:3], ", "), len(names)-3, e[j:])
}

func hostOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return u
	}
	return pu.Hostname()
}

// checkHTTPOnly: a config only over plain http is one Delta Chat never
// reads and K-9 makes the user approve.
func (v *view) checkHTTPOnly(f *findings) {
	if found(v.lookup(v.acHTTPS)) || found(v.lookup(v.wkHTTPS)) {
		return
	}
	for _, q := range []string{v.acHTTP, v.wkHTTP} {
		if found(v.lookup(q)) {
			f.add(newFinding(findAutoconfigHTTPOnly, "", autoconfig.Values{"url": q, "https-url": stripQuery(v.acHTTPS)}))
			return
		}
	}
}
