package autoconfig

import (
	"fmt"
	"time"
)

// Finding codes of the provider database source.
const (
	// CodeProviderHint is advice from the database entry (an app password
	// is needed, IMAP must be switched on first, …).
	CodeProviderHint = "provider.hint"
	// CodeProviderRestricted marks a server that only serves the
	// provider's own access network.
	CodeProviderRestricted = "provider.restricted-server"
)

// Servers gives p's servers for addr in order of preference, incoming
// first, with the placeholders in host names and usernames replaced.
func (p *Provider) Servers(addr Address) []Server {
	var out []Server
	for _, list := range [][]ProviderServer{p.Incoming, p.Outgoing} {
		for _, s := range list {
			out = append(out, s.For(addr))
		}
	}
	return out
}

// For is s for addr: its placeholders replaced. A placeholder that cannot
// be replaced stays as it is (ParseProviders has rejected broken ones).
func (s ProviderServer) For(addr Address) Server {
	out := s.Server
	out.Auth = append([]AuthMethod(nil), s.Auth...)
	out.Host, _ = expandPlaceholders(s.Host, addr)
	out.Username, _ = expandPlaceholders(s.Username, addr)
	return out
}

// lookupDomain is the providers source: the entry for the address's
// domain, its hints as notes and findings.
func (db *ProviderDB) lookupDomain(addr Address) Lookup {
	start := time.Now()
	lk := Lookup{Source: SourceProviders, Query: "built-in provider database: " + addr.Domain}
	p := db.Lookup(addr.Domain)
	lk.Duration = Duration(time.Since(start))
	if p == nil {
		lk.Outcome, lk.ErrorKind = OutcomeNone, "not-listed"
		return lk
	}
	lk.Trusted = true
	p.describe(&lk, addr, "provider "+p.DisplayName+" ("+p.ID+")")
	return lk
}

// lookupMX matches an MX host against the database: first the hosting
// providers' MX suffixes, then, as Thunderbird does with the ISPDB, the
// domains the host lies under (an MX at mx.provider.example is read as
// hosting by provider.example), offline.
func (db *ProviderDB) lookupMX(addr Address, mxHost string) (Lookup, bool) {
	lk := Lookup{Source: SourceMX, Query: "built-in provider database: MX " + mxHost}
	if p, suffix := db.byMX(mxHost); p != nil {
		p.describe(&lk, addr, fmt.Sprintf("the MX host %s belongs to %s (%s, matched *%s)", mxHost, p.DisplayName, p.ID, suffix))
		lk.trustNote = fmt.Sprintf("trusted: the MX %s is %s's, and the provider database names these servers", mxHost, p.DisplayName)
		return lk, true
	}
	for _, d := range mxDomains(normalDomain(mxHost), addr.Domain) {
		if p := db.Lookup(d); p != nil {
			p.describe(&lk, addr, fmt.Sprintf("the MX host %s lies under %s, a domain of %s (%s)", mxHost, d, p.DisplayName, p.ID))
			lk.trustNote = fmt.Sprintf("trusted: the MX %s is %s's, and the provider database names these servers", mxHost, p.DisplayName)
			return lk, true
		}
	}
	return Lookup{}, false
}

// describe fills lk with p's servers for addr, and its hints, conditions
// and data problems as notes and findings.
func (p *Provider) describe(lk *Lookup, addr Address, first string) {
	lk.Servers = p.Servers(addr)
	// The facts writers need beyond servers travel like a config
	// document's (see providerFacts).
	lk.config = &MozillaConfig{DisplayName: p.DisplayName, Advice: p.advice()}
	if o := p.OAuth2; o != nil {
		lk.config.OAuth2 = &OAuth2Info{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	lk.Outcome = OutcomeFound
	if len(lk.Servers) == 0 {
		// Listed, but with no IMAP, POP3 or SMTP server: the hints say
		// why (Proton only through its Bridge, for example).
		lk.Outcome, lk.ErrorKind = OutcomeNone, "no-servers"
	}
	lk.Notes = append(lk.Notes, first)
	for _, h := range p.Hints {
		lk.Notes = append(lk.Notes, h.Kind+": "+h.Text)
		// Advice ages: the finding says whose it is and when it was
		// last checked, so that a reader can weigh it.
		f := findProviderHint.New(Discovery, "", Values{"provider": p.DisplayName, "hint": h.Text, "source": p.CiteSource(h.Source), "url": h.URL})
		if h.URL == "" {
			f.Hint = ""
		}
		lk.Findings = append(lk.Findings, f)
	}
	for _, s := range append(append([]ProviderServer(nil), p.Incoming...), p.Outgoing...) {
		if s.Condition == "" {
			continue
		}
		srv := s.For(addr)
		lk.Notes = append(lk.Notes, srv.String()+": "+s.Condition)
		lk.Findings = append(lk.Findings, findProviderRestricted.On(srv, Values{"condition": s.Condition, "source": p.CiteSource(s.Source)}))
	}
	for _, pr := range p.Problems {
		lk.Notes = append(lk.Notes, "the database notes a problem in "+pr.Source+": "+pr.Text)
	}
}

// advice is what the entry tells a user beyond its servers: its hints
// (Delta Chat's status rating aside, which Needs sums up) and its pages.
func (p *Provider) advice() []Advice {
	var out []Advice
	for _, h := range p.Hints {
		if h.Kind != "status" {
			out = mergeAdvice(out, Advice{Kind: h.Kind, Text: h.Text, URL: h.URL, Needs: h.Needs})
		}
	}
	for _, d := range p.Documentation {
		out = mergeAdvice(out, Advice{Kind: AdviceDocumentation, Text: d.Description, URL: d.URL})
	}
	return out
}
