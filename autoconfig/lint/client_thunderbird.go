package lint

import (
	"net/url"

	"github.com/postino-mail/postino/autoconfig"
)

// thunderbird follows Thunderbird desktop's FindConfig.parallelAutoDiscovery
// (comm-central's accountcreation modules FindConfig.sys.mjs,
// FetchConfig.sys.mjs, ExchangeAutoDiscover.sys.mjs, GuessConfig.sys.mjs
// and readFromXML.sys.mjs; docs/lint.md "Thunderbird"):
//
//  1. Priority group, first success in this order wins: the ISP's
//     https://autoconfig.D, https://D/.well-known, the same two over
//     http (fetchFromISP.sslOnly is false by default), the ISPDB, then
//     the MX host's sub-domain and registrable domain (https autoconfig,
//     then ISPDB), each only when the MX lies outside D.
//  2. Exchange Autodiscover (POST https://autodiscover.D, POST https://D,
//     the http redirect, _autodiscover._tcp), used only when step 1 found
//     nothing.
//  3. Guessing: imap., pop3., pop., mail. and the bare domain for incoming,
//     smtp., mail. and the bare domain for outgoing; any TLS before plain,
//     IMAP before POP3, SSL before STARTTLS, then host order; the first
//     server that answers (with a good certificate) wins.
//
// The first valid incoming and outgoing server of a document is used, IMAP
// or POP3 as listed; socketType plain is accepted.
func thunderbird(v *view) ClientRow {
	r := ClientRow{Client: "thunderbird", Name: "Thunderbird", Rule: "FindConfig.parallelAutoDiscovery, then GuessConfig (comm-central); docs/lint.md#thunderbird"}
	group := []struct {
		src autoconfig.Source
		q   string
	}{
		{autoconfig.SourceAutoconfig, v.acHTTPS}, {autoconfig.SourceWellKnown, v.wkHTTPS},
		{autoconfig.SourceAutoconfigHTTP, v.acHTTP}, {autoconfig.SourceAutoconfigHTTP, v.wkHTTP},
	}
	var lks []*autoconfig.Lookup
	for _, g := range group {
		lk := v.lookup(g.q)
		r.Steps = append(r.Steps, step(g.src, g.q, lk))
		lks = append(lks, lk)
	}
	if db := v.source(autoconfig.SourceISPDB); db != nil {
		r.Steps = append(r.Steps, step(db.Source, db.Query, db))
		lks = append(lks, db)
	}
	for _, lk := range v.mxDocs() {
		r.Steps = append(r.Steps, step(lk.Source, lk.Query, lk))
		lks = append(lks, lk)
	}
	for _, q := range []string{ // ExchangeAutoDiscover's priority order
		"https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml",
		"https://" + v.domain + "/autodiscover/autodiscover.xml",
		"http://autodiscover." + v.domain + "/autodiscover/autodiscover.xml",
		"SRV _autodiscover._tcp." + v.domain,
	} {
		lk := v.lookup(q)
		r.Steps = append(r.Steps, step(autoconfig.SourceAutodiscover, q, lk))
		lks = append(lks, lk)
	}
	for _, lk := range lks {
		if !found(lk) {
			continue
		}
		use(&r, lk)
		var warn []string
		if lk.HTTP != nil && !lk.HTTP.Secure {
			warn = append(warn, "takes its settings from plain http: anyone on the network path could change them")
		}
		v.finish(&r, firstOf(lk.Servers, autoconfig.Incoming, nil), firstOf(lk.Servers, autoconfig.Outgoing, nil), warn...)
		r.Publish = thunderbirdPublish(v, r)
		return r
	}
	if v.autodiscoverAllUnauthorized() {
		// ExchangeAutoDiscover turns a 401 from every URL into a hard
		// "Exchange auth error": no guessing follows (mailcow#6642).
		r.Problems = append(r.Problems, "stops with an \"Exchange auth error\": every autodiscover URL answered 401, and Thunderbird does not guess after that")
		v.finish(&r, nil, nil)
		r.Publish = thunderbirdPublish(v, r)
		return r
	}
	in, out := v.thunderbirdGuess()
	r.Steps = append(r.Steps, Step{Source: autoconfig.SourceGuess, Query: "guess: imap., pop3., pop., smtp., mail., " + v.domain,
		Outcome: guessOutcome(in, out), Used: in != nil || out != nil})
	if in != nil || out != nil {
		r.Source, r.Query = autoconfig.SourceGuess, "guess"
	}
	v.finish(&r, in, out, "finds nothing published: it guesses, which takes long and may pick another server than the one meant")
	r.Publish = thunderbirdPublish(v, r)
	return r
}

// autodiscoverAllUnauthorized: the autodiscover URLs that answered HTTP
// at all (POST, as Thunderbird asks) all answered 401.
func (v *view) autodiscoverAllUnauthorized() bool {
	n := 0
	for _, q := range []string{"https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml", "https://" + v.domain + "/autodiscover/autodiscover.xml",
		"http://autodiscover." + v.domain + "/autodiscover/autodiscover.xml", "SRV _autodiscover._tcp." + v.domain} {
		lk := v.lookup(q)
		if lk == nil || lk.HTTP == nil || lk.HTTP.Status == 0 {
			continue
		}
		if lk.HTTP.Status != 401 {
			return false
		}
		n++
	}
	return n > 0
}

func guessOutcome(in, out *autoconfig.Server) string {
	if in != nil || out != nil {
		return "found"
	}
	return "none"
}

// thunderbirdGuess is GuessConfig's choice among this run's guessed
// candidates: the first that works in Thunderbird's order.
func (v *view) thunderbirdGuess() (in, out *autoconfig.Server) {
	d := v.domain
	inHosts := []string{"imap." + d, "pop3." + d, "pop." + d, "mail." + d, d}
	outHosts := []string{"smtp." + d, "mail." + d, d}
	pick := func(hosts []string, protos []autoconfig.Protocol) *autoconfig.Server {
		for _, sec := range []autoconfig.Security{autoconfig.SecurityTLS, autoconfig.SecurityStartTLS, autoconfig.SecurityNone} {
			for _, p := range protos {
				for _, h := range hosts {
					// Per host, Thunderbird lists SMTP STARTTLS 587 before 25.
					for _, c := range v.candidates(p, h, sec, []int{587}) {
						if ok, _ := works(c); ok && hasSource(c, autoconfig.SourceGuess) {
							s := c.Server
							return &s
						}
					}
				}
			}
		}
		return nil
	}
	return pick(inHosts, []autoconfig.Protocol{autoconfig.IMAP, autoconfig.POP3}), pick(outHosts, []autoconfig.Protocol{autoconfig.SMTP})
}

func hasSource(c *autoconfig.Candidate, s autoconfig.Source) bool {
	for _, x := range c.Sources {
		if x == s {
			return true
		}
	}
	return false
}

// thunderbirdPublish says what makes Thunderbird find the right servers.
func thunderbirdPublish(v *view, r ClientRow) []string {
	if r.Status == StatusOK {
		return nil
	}
	pub := []string{"serve the settings at " + stripQuery(v.acHTTPS) + " over https, with a certificate valid for autoconfig." + v.domain +
		" (postino config " + v.addr.String() + " --format thunderbird writes the file); Thunderbird asks it first"}
	if r.Source == autoconfig.SourceAutoconfigHTTP {
		pub = append(pub, "then remove the plain-http copy, or make it redirect to https")
	}
	return pub
}

func stripQuery(q string) string {
	u, err := url.Parse(q)
	if err != nil {
		return q
	}
	u.RawQuery = ""
	return u.String()
}
