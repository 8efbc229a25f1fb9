package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// Limits of one Autodiscover chain. Thunderbird restarts at most twice on
// redirectAddr; Delta Chat follows redirectUrl up to ten times. Hops are
// redirects of any kind: HTTP, redirectUrl, redirectAddr.
const (
	maxAutodiscoverAddrRedirects = 2
	maxAutodiscoverHops          = 10
)

// autodiscoverContentType must be exactly this: outlook.com rejects other
// spellings (noted in Thunderbird's ExchangeAutoDiscover).
const autodiscoverContentType = "text/xml; charset=utf-8"

// The ways to find an Autodiscover endpoint, in Outlook's order.
type autodiscoverMethod int

const (
	autodiscoverRoot      autodiscoverMethod = iota // https://D/autodiscover/autodiscover.xml
	autodiscoverSubdomain                           // https://autodiscover.D/autodiscover/autodiscover.xml
	autodiscoverHTTP                                // http://autodiscover.D/… redirecting to https
	autodiscoverSRV                                 // _autodiscover._tcp.D
)

func (m autodiscoverMethod) query(d string) string {
	switch m {
	case autodiscoverRoot:
		return "https://" + d + "/autodiscover/autodiscover.xml"
	case autodiscoverSubdomain:
		return "https://autodiscover." + d + "/autodiscover/autodiscover.xml"
	case autodiscoverHTTP:
		return "http://autodiscover." + d + "/autodiscover/autodiscover.xml"
	}
	return "SRV _autodiscover._tcp." + d
}

// LookupAutodiscover asks Outlook's POX Autodiscover for addr in all four
// ways at once and returns one lookup per way, in Outlook's order:
// https://D/autodiscover/autodiscover.xml, the autodiscover.D host, the
// plain-http redirect (whose only use is to name an https URL, which is
// then asked), and the _autodiscover._tcp SRV record. It sends no
// credentials. It follows redirectUrl (https only) and redirectAddr;
// anything leading outside the address's registrable domain makes the
// answer untrusted and adds an "autodiscover.redirect-cross-domain"
// finding. A bare domain is not asked about: the request names a mailbox,
// and postino does not invent one.
func LookupAutodiscover(ctx context.Context, addr Address, res resolver.Resolver, o *HTTPOptions) []Lookup {
	methods := []autodiscoverMethod{autodiscoverRoot, autodiscoverSubdomain, autodiscoverHTTP, autodiscoverSRV}
	out := make([]Lookup, len(methods))
	if !addr.HasLocal() {
		for i, m := range methods {
			out[i] = Lookup{Source: SourceAutodiscover, Query: m.query(addr.Domain), Outcome: OutcomeNone,
				Notes: []string{"not asked: autodiscover needs a full email address, and postino does not invent one"}}
		}
		return out
	}
	var wg sync.WaitGroup
	for i, m := range methods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer onPanic(func(err *InternalError) { out[i] = internalLookup(SourceAutodiscover, m.query(addr.Domain), err) })
			r := &autodiscoverRun{ctx: ctx, orig: addr, res: res, o: o, method: m}
			out[i] = r.run()
		}()
	}
	wg.Wait()
	return out
}

// autodiscoverRun is one method's chain of requests.
type autodiscoverRun struct {
	ctx     context.Context
	orig    Address
	res     resolver.Resolver
	o       *HTTPOptions
	method  autodiscoverMethod
	lk      Lookup
	hops    int
	secure  bool
	offsite []string
}

func (r *autodiscoverRun) run() Lookup {
	start := time.Now()
	r.lk = Lookup{Source: SourceAutodiscover, Query: r.method.query(r.orig.Domain)}
	r.secure = true
	r.chain()
	r.lk.Duration = Duration(time.Since(start))
	return r.lk
}

func (r *autodiscoverRun) chain() {
	cur := r.orig
	target, ok := r.locate(cur.Domain)
	if !ok {
		return
	}
	asked := map[string]bool{} // address and URL pairs, to stop loops early
	for addrRedirects := 0; ; {
		if asked[cur.String()+" "+target] {
			failHTTPLookup(&r.lk, fmt.Errorf("%w: %s asked again about %s", errRedirectLoop, target, cur))
			return
		}
		asked[cur.String()+" "+target] = true
		if r.hops > maxAutodiscoverHops {
			failHTTPLookup(&r.lk, fmt.Errorf("%w: more than %d autodiscover hops", errTooManyRedirects, maxAutodiscoverHops))
			return
		}
		res, err := fetchHTTP(r.ctx, r.o, httpRequest{method: http.MethodPost, url: target, owner: r.orig.Domain,
			body: AutodiscoverRequest(cur.String()), contentType: autodiscoverContentType})
		recordHTTP(&r.lk, http.MethodPost, res)
		r.hops += max(len(res.hops)-1, 0) // the HTTP redirects followed
		r.secure = r.secure && res.secure
		noteRedirects(&r.lk, res)
		for _, h := range res.offsite {
			r.leftDomain(h, "an HTTP redirect")
		}
		if err != nil {
			failHTTPLookup(&r.lk, err)
			var st *httpStatusError
			if errors.As(err, &st) && (st.Code == http.StatusUnauthorized || st.Code == http.StatusForbidden) {
				r.lk.Notes = append(r.lk.Notes, "the server wants authentication before it answers; postino sends no credentials during discovery, so this source gives nothing (the other sources are not affected)")
			}
			return
		}
		xmlType := noteContentType(&r.lk, res.contentType)
		ad, err := ParseAutodiscover(res.body, cur)
		if err != nil {
			failHTTPLookup(&r.lk, err)
			if errors.Is(err, ErrNoConfig) {
				r.lk.Outcome, r.lk.ErrorKind = OutcomeNone, ""
			}
			notWebPage(&r.lk, err, xmlType, res.body)
			return
		}
		r.lk.Notes = append(r.lk.Notes, ad.Notes...)
		r.lk.Findings = append(r.lk.Findings, dataFindings(findAutodiscoverData, ad.Problems, ad.hints)...)
		switch ad.Action {
		case "redirectUrl":
			u, err := url.Parse(ad.RedirectURL)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				failHTTPLookup(&r.lk, fmt.Errorf("%w: redirectUrl %q is not an https URL", errBadRedirect, ad.RedirectURL))
				return
			}
			r.lk.Notes = append(r.lk.Notes, fmt.Sprintf("autodiscover redirectUrl from %s to %s", target, u))
			if !SameOrganisation(u.Hostname(), r.orig.Domain) {
				r.leftDomain(u.Hostname(), "redirectUrl")
			}
			target = u.String()
		case "redirectAddr":
			next, err := ParseAddress(ad.RedirectAddr)
			if err != nil || !next.HasLocal() {
				failHTTPLookup(&r.lk, fmt.Errorf("%w: redirectAddr %q is not an email address", ErrSyntax, ad.RedirectAddr))
				return
			}
			if addrRedirects++; addrRedirects > maxAutodiscoverAddrRedirects {
				failHTTPLookup(&r.lk, fmt.Errorf("%w: more than %d redirectAddr answers", errTooManyRedirects, maxAutodiscoverAddrRedirects))
				return
			}
			r.lk.Notes = append(r.lk.Notes, fmt.Sprintf("autodiscover redirectAddr from %s to %s: asking again for the new address", cur, next))
			if !SameOrganisation(next.Domain, r.orig.Domain) {
				r.leftDomain(next.Domain, "redirectAddr")
			}
			cur = next
			if target, ok = r.locate(cur.Domain); !ok {
				return
			}
		default:
			r.settings(ad)
			return
		}
		r.hops++
	}
}

func (r *autodiscoverRun) settings(ad *AutodiscoverResponse) {
	r.lk.Servers = ad.Servers
	if len(ad.Servers) == 0 {
		r.lk.Outcome = OutcomeNone
		r.lk.Notes = append(r.lk.Notes, "the answer holds no IMAP, POP3 or SMTP settings")
		return
	}
	r.lk.Outcome = OutcomeFound
	r.lk.Trusted = r.secure && len(r.offsite) == 0
	if !r.secure {
		r.lk.Notes = append(r.lk.Notes, "a redirect went over plain http: anyone on the network path could have changed the answer")
	}
}

// leftDomain records that the chain reached host, outside the address's
// organisation: the answer is no longer trusted with a password.
func (r *autodiscoverRun) leftDomain(host, via string) {
	for _, h := range r.offsite {
		if h == host {
			return
		}
	}
	r.offsite = append(r.offsite, host)
	base := RegistrableDomain(r.orig.Domain)
	r.lk.Findings = append(r.lk.Findings, findAutodiscoverCrossDomain.New(Discovery, "", Values{
		"address": r.orig.String(), "via": via, "host": host, "domain": base, "host-domain": RegistrableDomain(host)}))
}

// locate finds the https URL to POST to for domain d, or fills the lookup
// with why there is none.
func (r *autodiscoverRun) locate(d string) (string, bool) {
	switch r.method {
	case autodiscoverHTTP:
		return r.locateHTTP(d)
	case autodiscoverSRV:
		return r.locateSRV(d)
	}
	return r.method.query(d), true
}

// locateHTTP asks the plain-http endpoint for its redirect. Nothing but a
// GET without a body goes over http; the https target is then POSTed.
func (r *autodiscoverRun) locateHTTP(d string) (string, bool) {
	u := r.method.query(d)
	res, err := fetchHTTP(r.ctx, r.o, httpRequest{method: http.MethodGet, url: u, noFollow: true})
	recordHTTP(&r.lk, http.MethodGet, res)
	if err != nil {
		failHTTPLookup(&r.lk, err)
		return "", false
	}
	if res.location == "" {
		r.lk.Outcome = OutcomeNone
		r.lk.Notes = append(r.lk.Notes, fmt.Sprintf("%s answered HTTP %d without a redirect; postino does not use autodiscover over plain http", u, res.status))
		return "", false
	}
	next, _ := url.Parse(res.location) // fetchHTTP made it absolute
	if next.Scheme != "https" {
		failHTTPLookup(&r.lk, fmt.Errorf("%w: %s redirects to %s, which is not https", errBadRedirect, u, res.location))
		return "", false
	}
	// The redirect came over plain http, so it may be forged; that is
	// harmless while it stays within the domain (the https target must
	// still prove its name), and reported when it leaves.
	r.hops++
	r.lk.Notes = append(r.lk.Notes, fmt.Sprintf("HTTP %d redirect from %s to %s (the redirect itself came over plain http)", res.status, u, next))
	if !SameOrganisation(next.Hostname(), r.orig.Domain) {
		r.leftDomain(next.Hostname(), "the plain-http redirect")
	}
	return next.String(), true
}

// locateSRV asks _autodiscover._tcp.d and takes the best record: lowest
// priority, then highest weight (RFC 2782).
func (r *autodiscoverRun) locateSRV(d string) (string, bool) {
	name := "_autodiscover._tcp." + d
	if r.res == nil {
		r.lk.Outcome, r.lk.Error = OutcomeError, "autoconfig: no resolver for the SRV lookup"
		return "", false
	}
	recs, _, err := r.res.LookupSRV(r.ctx, name)
	if err != nil {
		failHTTPLookup(&r.lk, err)
		return "", false
	}
	var best *resolver.SRV
	for i := range recs {
		rec := &recs[i]
		if rec.Target == "." || rec.Target == "" || rec.Port == 0 {
			continue
		}
		if best == nil || rec.Priority < best.Priority || rec.Priority == best.Priority && rec.Weight > best.Weight {
			best = rec
		}
	}
	if best == nil {
		r.lk.Outcome, r.lk.ErrorKind = OutcomeNone, "nodata"
		if len(recs) > 0 {
			r.lk.ErrorKind = "not-offered"
			r.lk.Notes = append(r.lk.Notes, "the domain states that autodiscover is not offered (SRV target \".\")")
		}
		return "", false
	}
	target := strings.TrimSuffix(best.Target, ".")
	host := target
	if best.Port != 443 {
		host += ":" + strconv.Itoa(int(best.Port))
	}
	r.lk.Notes = append(r.lk.Notes, fmt.Sprintf("SRV %s points to %s:%d (priority %d, weight %d)", name, target, best.Port, best.Priority, best.Weight))
	if !SameOrganisation(target, r.orig.Domain) {
		r.leftDomain(target, "its SRV record")
	}
	return "https://" + host + "/autodiscover/autodiscover.xml", true
}

// LookupAutodiscoverGET asks https://D/autodiscover/autodiscover.xml and
// https://autodiscover.D/autodiscover/autodiscover.xml with a plain GET,
// as Delta Chat does (chatmail/core configure: HTTP GET, POX parsed,
// RedirectUrl followed up to ten times). Outlook and Thunderbird POST;
// asking both ways is how postino lint tells a server that answers only
// one of them. The queries read "GET https://…". No credentials are sent.
func LookupAutodiscoverGET(ctx context.Context, addr Address, o *HTTPOptions) []Lookup {
	urls := []string{autodiscoverRoot.query(addr.Domain), autodiscoverSubdomain.query(addr.Domain)}
	out := make([]Lookup, len(urls))
	parallel(func() { out[0] = autodiscoverGET(ctx, addr, urls[0], o) },
		func() { out[1] = autodiscoverGET(ctx, addr, urls[1], o) })
	return out
}

func autodiscoverGET(ctx context.Context, addr Address, target string, o *HTTPOptions) Lookup {
	lk := Lookup{Source: SourceAutodiscover, Query: "GET " + target}
	start := time.Now()
	defer func() { lk.Duration = Duration(time.Since(start)) }()
	secure := true
	for hop := 0; ; hop++ {
		res, err := fetchHTTP(ctx, o, httpRequest{method: http.MethodGet, url: target, owner: addr.Domain})
		recordHTTP(&lk, http.MethodGet, res)
		noteRedirects(&lk, res)
		secure = secure && res.secure && len(res.offsite) == 0
		if err != nil {
			failHTTPLookup(&lk, err)
			return lk
		}
		ad, err := ParseAutodiscover(res.body, addr)
		if err != nil {
			failHTTPLookup(&lk, err)
			if errors.Is(err, ErrNoConfig) {
				lk.Outcome, lk.ErrorKind = OutcomeNone, ""
			}
			notWebPage(&lk, err, noteContentType(&lk, res.contentType), res.body)
			return lk
		}
		if ad.Action != "redirectUrl" {
			lk.Servers = ad.Servers
			lk.Outcome = OutcomeNone
			if len(ad.Servers) > 0 {
				lk.Outcome, lk.Trusted = OutcomeFound, secure
			}
			return lk
		}
		u, err := url.Parse(ad.RedirectURL)
		if err != nil || u.Scheme != "https" || hop >= maxAutodiscoverHops {
			failHTTPLookup(&lk, fmt.Errorf("%w: redirectUrl %q", errBadRedirect, ad.RedirectURL))
			return lk
		}
		lk.Notes = append(lk.Notes, fmt.Sprintf("autodiscover redirectUrl from %s to %s", target, u))
		secure = secure && SameOrganisation(u.Hostname(), addr.Domain)
		target = u.String()
	}
}
