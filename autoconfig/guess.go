package autoconfig

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// guessPorts are the standard ports, implicit TLS first (RFC 8314).
var guessPorts = map[Protocol][]Security{
	IMAP: {SecurityTLS, SecurityStartTLS},
	POP3: {SecurityTLS, SecurityStartTLS},
	SMTP: {SecurityTLS, SecurityStartTLS},
}

// guessHost is one host name to try and the protocols it may serve.
type guessHost struct {
	host      string
	protocols []Protocol
}

// guessHosts lists the usual names, the bare domain late because a host
// that does not answer there tends to stall clients (Delta Chat's lesson),
// then the MX hosts.
func guessHosts(domain string, mx []string) []guessHost {
	all := []Protocol{IMAP, POP3, SMTP}
	hs := []guessHost{
		{"imap." + domain, []Protocol{IMAP}},
		{"pop3." + domain, []Protocol{POP3}},
		{"pop." + domain, []Protocol{POP3}},
		{"smtp." + domain, []Protocol{SMTP}},
		{"mail." + domain, all},
		{domain, all},
	}
	for _, h := range mx {
		dup := false
		for _, g := range hs {
			dup = dup || g.host == h
		}
		if !dup {
			hs = append(hs, guessHost{h, all})
		}
	}
	return hs
}

// guessServers expands a host into its candidate servers. Port 25 is
// tried for SMTP too: some providers still take submission only there.
func guessServers(addr Address, g guessHost) []Server {
	var out []Server
	for _, p := range g.protocols {
		for _, sec := range guessPorts[p] {
			out = append(out, Server{Protocol: p, Host: g.host, Port: DefaultPort(p, sec), Security: sec})
		}
		if p == SMTP {
			out = append(out, Server{Protocol: SMTP, Host: g.host, Port: 25, Security: SecurityStartTLS})
		}
	}
	for i := range out {
		out[i].Username = fullAddress(addr)
	}
	return out
}

// runGuess tries the usual host names: each one that resolves becomes a set
// of candidates for the probes to confirm or reject.
func runGuess(ctx context.Context, addr Address, o *Options, emit func(Lookup)) {
	recs, _, _ := o.Resolver.LookupMX(ctx, addr.Domain)
	mx, _ := topMX(recs)
	hosts := guessHosts(addr.Domain, mx)
	var mu sync.Mutex
	var fns []func()
	for i, g := range hosts {
		fns = append(fns, func() {
			lk := guessLookup(ctx, o.Resolver, addr, g, i)
			mu.Lock()
			defer mu.Unlock()
			emit(lk)
		})
	}
	parallel(fns...)
}

func guessLookup(ctx context.Context, res resolver.Resolver, addr Address, g guessHost, order int) Lookup {
	lk := Lookup{Source: SourceGuess, Query: g.host}
	start := time.Now()
	var n4, n6 int
	var err4, err6 error
	parallel(
		func() { ips, _, err := res.LookupIP(ctx, g.host, resolver.IPv4); n4, err4 = len(ips), err },
		func() { ips, _, err := res.LookupIP(ctx, g.host, resolver.IPv6); n6, err6 = len(ips), err },
	)
	lk.Duration = Duration(time.Since(start))
	if n4+n6 == 0 {
		err := errors.Join(err4, err6)
		if err == nil {
			lk.Outcome, lk.ErrorKind = OutcomeNone, "nodata"
			return lk
		}
		if err4 != nil {
			err = err4 // the same failure twice says nothing more
		}
		return dnsFailure(lk, err)
	}
	lk.Outcome = OutcomeFound
	lk.Servers = guessServers(addr, g)
	// No publisher stated a preference: IMAP before POP3, then the order
	// of the host list.
	for _, s := range lk.Servers {
		p := order
		if s.Protocol == POP3 {
			p += 100
		}
		lk.prefs = append(lk.prefs, p)
	}
	lk.Trusted = SameOrganisation(g.host, addr.Domain)
	lk.Notes = append(lk.Notes, "a guess: the name exists, only a probe can tell whether it serves mail")
	return lk
}
