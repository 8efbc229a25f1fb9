package autoconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// MozillaURLs are the places a domain publishes its own clientConfig
// (draft-ietf-mailmaint-autoconfig section 4.1). Only the https autoconfig
// URL carries ?emailaddress=: the .well-known one has no query by the
// draft, and the plain-http ones would show the address to the network.
func MozillaURLs(addr Address) (autoconfigHTTPS, wellKnownHTTPS, autoconfigHTTP, wellKnownHTTP string) {
	q := ""
	if addr.HasLocal() {
		q = "?emailaddress=" + escapeEmailQuery(addr.String())
	}
	const ac, wk = "/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml"
	d := addr.Domain
	return "https://autoconfig." + d + ac + q, "https://" + d + wk,
		"http://autoconfig." + d + ac, "http://" + d + wk
}

// escapeEmailQuery percent-encodes everything but RFC 3986's unreserved
// characters, as Thunderbird's encodeURIComponent and Delta Chat do: '@'
// becomes %40 while '.' stays, which some servers need to match the
// domain.
func escapeEmailQuery(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// LookupMozilla fetches a clientConfig document from url and parses it for
// addr: the autoconfig and .well-known URLs (see MozillaURLs) and their
// plain-http variants, the ISPDB (base URL plus domain), and the MX-derived
// URLs. The answer is trusted when every hop was https and stayed within
// owner's registrable domain; owner "" means the caller vouches for the
// host (the ISPDB). The config is nil unless the lookup found one.
func LookupMozilla(ctx context.Context, src Source, url string, addr Address, owner string, o *HTTPOptions) (Lookup, *MozillaConfig) {
	lk := Lookup{Source: src, Query: url}
	res, err := fetchHTTP(ctx, o, httpRequest{method: http.MethodGet, url: url, owner: owner})
	lk.Duration = Duration(res.duration)
	recordHTTP(&lk, http.MethodGet, res)
	noteRedirects(&lk, res)
	if !res.secure {
		lk.Notes = append(lk.Notes, "fetched over plain http: anyone on the network path could have changed it")
	}
	if err != nil {
		failHTTPLookup(&lk, err)
		return lk, nil
	}
	xmlType := noteContentType(&lk, res.contentType)
	cfg, err := ParseMozilla(res.body, addr)
	if err != nil {
		failHTTPLookup(&lk, err)
		notWebPage(&lk, err, xmlType, res.body)
		return lk, nil
	}
	lk.Outcome = OutcomeFound
	lk.Servers = append(append([]Server(nil), cfg.Incoming...), cfg.Outgoing...)
	lk.Trusted = res.secure && (owner == "" || len(res.offsite) == 0)
	if owner != "" && len(res.offsite) > 0 {
		lk.Notes = append(lk.Notes, fmt.Sprintf("redirected outside %s to %s: not trusted with a password",
			RegistrableDomain(owner), strings.Join(res.offsite, ", ")))
	}
	if cfg.DisplayName != "" || cfg.ID != "" {
		lk.Notes = append(lk.Notes, fmt.Sprintf("provider %s (%s)", cfg.DisplayName, cfg.ID))
	}
	lk.Notes = append(lk.Notes, cfg.Notes...)
	lk.Findings = dataFindings(findAutoconfigData, cfg.Problems, cfg.hints)
	return lk, cfg
}

// noteRedirects records every HTTP redirect a fetch followed.
func noteRedirects(lk *Lookup, res *httpResponse) {
	for i := 0; i+1 < len(res.hops); i++ {
		lk.Notes = append(lk.Notes, fmt.Sprintf("HTTP %d redirect from %s to %s",
			res.hops[i].Status, res.hops[i].URL, res.hops[i+1].URL))
	}
}

// noteContentType notes an answer not labelled as XML (it is parsed
// anyway, as clients do) and reports whether it was labelled XML.
func noteContentType(lk *Lookup, ct string) bool {
	if strings.Contains(strings.ToLower(ct), "xml") {
		return true
	}
	if ct == "" {
		ct = "no content type"
	}
	lk.Notes = append(lk.Notes, fmt.Sprintf("served as %q, not XML (text/xml or application/xml); parsed anyway", ct))
	return false
}

// notWebPage turns a parse failure of an HTML page into outcome none: a
// web site that answers every path with its home page has published
// nothing, which is not a broken config.
func notWebPage(lk *Lookup, err error, xmlType bool, body []byte) {
	head := bytes.ToLower(body[:min(len(body), 512)])
	if errors.Is(err, ErrSyntax) && !xmlType &&
		(bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))) {
		lk.Outcome = OutcomeNone
		lk.Error = "the server answered with a web page, not a config document"
	}
}
