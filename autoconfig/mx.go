package autoconfig

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// topMX returns the MX hosts of the most preferred group, sorted by name
// for a stable report, and how many more there were than maxMXHosts.
// Every one of them is equally the domain's choice (RFC 5321 section
// 5.1), so every one is looked at, up to that bound.
func topMX(recs []resolver.MX) (hosts []string, more int) {
	if len(recs) == 0 {
		return nil, 0
	}
	best := recs[0].Pref
	for _, r := range recs {
		best = min(best, r.Pref)
	}
	for _, r := range recs {
		if r.Pref == best && r.Host != "." && !containsString(hosts, r.Host) {
			hosts = append(hosts, r.Host)
		}
	}
	sort.Strings(hosts)
	if len(hosts) > maxMXHosts {
		return hosts[:maxMXHosts], len(hosts) - maxMXHosts
	}
	return hosts, 0
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// mxDomains derives the domains to ask about from an MX host, as
// Thunderbird does: the host minus its first label (which tells Microsoft
// 365's *.mail.protection.outlook.com from outlook.com) and the registrable
// domain. A host inside the account's own organisation gives nothing: its
// publications were already asked directly.
func mxDomains(host, domain string) []string {
	base := RegistrableDomain(host)
	if base == RegistrableDomain(domain) {
		return nil
	}
	var out []string
	if i := strings.IndexByte(host, '.'); i > 0 {
		if sub := host[i+1:]; sub != base && strings.HasSuffix(sub, "."+base) {
			out = append(out, sub)
		}
	}
	return append(out, base)
}

// maxMXHosts bounds the MX hosts looked at. A domain has a few; each
// host's provider is asked in up to three ways and each host is a guess,
// so an answer with a thousand hosts made three thousand lookups.
const maxMXHosts = 10

// runMX looks up the domain's MX and then the providers behind its hosts:
// the built-in database, the provider's autoconfig and the ISPDB.
func runMX(ctx context.Context, addr Address, o *Options, emit func(Lookup)) {
	lk := Lookup{Source: SourceMX, Query: "MX " + addr.Domain}
	start := time.Now()
	recs, ans, err := o.Resolver.LookupMX(ctx, addr.Domain)
	lk.Duration = Duration(time.Since(start))
	hosts, more := topMX(recs)
	switch {
	case err != nil:
		emit(dnsFailure(lk, err))
		return
	case len(recs) == 0:
		lk.Outcome, lk.ErrorKind = OutcomeNone, "nodata"
		emit(lk)
		return
	case len(hosts) == 0:
		lk.Outcome, lk.ErrorKind = OutcomeNone, "null-mx"
		lk.Notes = append(lk.Notes, "the domain accepts no mail (null MX, RFC 7505)")
		emit(lk)
		return
	}
	lk.Outcome = OutcomeFound
	for _, r := range recs[:min(len(recs), maxMXHosts)] {
		lk.Notes = append(lk.Notes, fmt.Sprintf("MX %d %s", r.Pref, r.Host))
	}
	if len(recs) > maxMXHosts {
		lk.Notes = append(lk.Notes, fmt.Sprintf("and %d more MX records", len(recs)-maxMXHosts))
	}
	if more > 0 {
		lk.Notes = append(lk.Notes, fmt.Sprintf("%d hosts of the best preference: only the first %d (by name) are looked at", len(hosts)+more, maxMXHosts))
	}
	emit(lk)

	var derived []string
	for _, h := range hosts {
		if o.Providers != nil {
			if plk, ok := o.Providers.lookupMX(addr, h); ok {
				// A curated entry names these servers: whoever controls
				// the MX answer can only point the password at a known
				// provider's servers (docs/json-schema.md, Trust).
				plk.Trusted = true
				emit(plk)
			}
		}
		for _, d := range mxDomains(h, addr.Domain) {
			if !containsString(derived, d) {
				derived = append(derived, d)
			}
		}
	}
	var mu sync.Mutex
	var fns []func()
	for _, d := range derived {
		acURL := "https://autoconfig." + d + "/mail/config-v1.1.xml"
		if addr.HasLocal() {
			acURL += "?emailaddress=" + escapeEmailQuery(addr.String())
		}
		dbURL := o.ISPDBURL + url.PathEscape(d)
		for _, u := range []struct{ url, owner string }{{acURL, d}, {dbURL, ""}} {
			fns = append(fns, func() {
				mlk, cfg := LookupMozilla(ctx, SourceMX, u.url, addr, u.owner, o.HTTP)
				mlk.config = cfg
				// The way here went through an MX answer that points
				// outside the domain. The ISPDB is curated: its entry for
				// the MX's domain names a known provider's servers, as in
				// Thunderbird. The MX domain's own autoconfig is whatever
				// that domain serves: only DNSSEC makes the way there
				// trustworthy.
				curated := u.owner == ""
				mlk.Trusted = mlk.Trusted && (curated || ans.Authentic)
				if curated {
					mlk.trustNote = "trusted: the domain's mail is handled by " + d + ", and the ISPDB's entry for " + d + " names these servers"
				}
				mlk.Notes = append(mlk.Notes, "asked because the domain's mail is handled by "+d)
				mu.Lock()
				defer mu.Unlock()
				emit(mlk)
			})
		}
	}
	parallel(fns...)
}
