package lint

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// findings collects a run's findings, each once.
type findings struct {
	out  []autoconfig.Finding
	seen map[string]bool
}

func (f *findings) add(code string, sev autoconfig.Severity, server, msg, hint string) {
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[code+" "+msg] {
		return
	}
	f.seen[code+" "+msg] = true
	f.out = append(f.out, autoconfig.Finding{Code: code, Severity: sev, Side: autoconfig.Discovery, Server: server, Message: msg, Hint: hint})
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
			f.add("lint.redirect", sevWarning, "", lk.Query+": "+x.Message, x.Hint)
		case x.Code == "autoconfig.data-problem" && isAutoconfig(lk):
			if strings.Contains(x.Message, "placeholder") || strings.Contains(x.Message, "socketType plain with password") {
				continue // lint.autoconfig-placeholder, lint.cleartext-password
			}
			f.add("lint.autoconfig-data", sevWarning, "", lk.Query+": "+x.Message, x.Hint)
		case x.Code == "autodiscover.data-problem":
			f.add("lint.autodiscover-data", sevWarning, "", stripMethod(lk.Query)+": "+x.Message, x.Hint)
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
		f.add("lint.https-certificate", sevError, host+":443",
			fmt.Sprintf("https://%s/ cannot be used: %s", host, shortCertError(lk.Error)),
			fmt.Sprintf("install a certificate from a trusted authority that names %s (clients refuse the publication otherwise)", host))
	}
	if hasDocument(lk) && !strings.Contains(strings.ToLower(lk.HTTP.ContentType), "xml") {
		ct := lk.HTTP.ContentType
		if ct == "" {
			ct = "no content type"
		}
		f.add("lint.content-type", sevWarning, "", fmt.Sprintf("%s is served as %q", q, ct),
			"serve it as text/xml or application/xml")
	}
	hops := lk.HTTP.Hops
	for i := 1; i < len(hops); i++ {
		switch {
		case strings.HasPrefix(hops[0].URL, "https://") && strings.HasPrefix(hops[i].URL, "http://"):
			f.add("lint.redirect", sevWarning, "", fmt.Sprintf("%s redirects to plain http (%s)", q, hops[i].URL),
				"redirect to https only: an http hop lets anyone on the path change the answer, and K-9 marks it untrusted")
		case !autoconfig.SameOrganisation(hostOf(hops[i].URL), v.domain):
			f.add("lint.redirect", sevWarning, "", fmt.Sprintf("%s redirects to %s, outside %s", q, hops[i].URL, autoconfig.RegistrableDomain(v.domain)),
				"serve the document from the domain itself: clients distrust answers that leave it")
		}
	}
	if lk.ErrorKind == "redirect" {
		f.add("lint.redirect", sevError, "", fmt.Sprintf("%s: %s", q, lk.Error), "end every redirect chain at the document, within a few hops, over https")
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
			f.add("lint.autoconfig-http-only", sevWarning, "",
				fmt.Sprintf("the autoconfig file is published at %s only, over plain http", q),
				fmt.Sprintf("serve it at %s over https with a valid certificate: Delta Chat never reads plain http, K-9 asks the user to approve it, and anyone on the network path can change it", stripQuery(v.acHTTPS)))
			return
		}
	}
}
