// Package resolvertest runs an in-process DNS server on loopback that
// answers from a Zone, with per-name failure modes (SERVFAIL, REFUSED,
// silence, truncation, delay), for tests, the end-to-end test world and
// benchmarks. Point a resolver.Client at Server.Addr.
package resolvertest

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// MX is one MX record; Host "." is a null MX (RFC 7505).
type MX = resolver.MX

// SRV is one SRV record; Target "." means the service is not offered.
type SRV = resolver.SRV

// Records are the records of one name. A name with a CNAME answers every
// other type with that CNAME (and the target's records, if the target is in
// the zone); its other fields are ignored.
type Records struct {
	A, AAAA []string // IP addresses
	MX      []MX
	SRV     []SRV
	CNAME   string
	TXT     []string // one string per record, split into 255-byte chunks
}

// Behavior is how the server answers queries for one name, whatever their
// type. The zero Behavior answers normally.
type Behavior struct {
	ServFail bool          // answer SERVFAIL
	Refused  bool          // answer REFUSED
	Rcode    int           // answer this rcode (e.g. dns.RcodeNotImplemented) if non-zero
	Drop     bool          // never answer
	Truncate bool          // answer over UDP with TC set and no records, forcing TCP
	Delay    time.Duration // wait this long before answering
	// Authentic sets the AD bit on successful answers, as a validating
	// resolver does for DNSSEC-signed data.
	Authentic bool
}

// Zone maps names (with or without the trailing dot, any case) to their
// records.
type Zone map[string]Records

// canonical returns name lower-case and fully qualified.
func canonical(name string) string {
	return strings.ToLower(dns.Fqdn(name))
}

// check reports the first address in r that does not parse.
func (r Records) check(name string) error {
	for _, a := range r.A {
		if ip := net.ParseIP(a); ip == nil || ip.To4() == nil {
			return fmt.Errorf("resolvertest: %s: bad A address %q", name, a)
		}
	}
	for _, a := range r.AAAA {
		if net.ParseIP(a) == nil {
			return fmt.Errorf("resolvertest: %s: bad AAAA address %q", name, a)
		}
	}
	return nil
}

// rrs returns the records of type qtype in r, owned by owner.
func (r Records) rrs(owner string, qtype uint16) []dns.RR {
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: owner, Rrtype: t, Class: dns.ClassINET, Ttl: 300}
	}
	var out []dns.RR
	switch qtype {
	case dns.TypeA:
		for _, a := range r.A {
			out = append(out, &dns.A{Hdr: hdr(qtype), A: net.ParseIP(a).To4()})
		}
	case dns.TypeAAAA:
		for _, a := range r.AAAA {
			out = append(out, &dns.AAAA{Hdr: hdr(qtype), AAAA: net.ParseIP(a).To16()})
		}
	case dns.TypeMX:
		for _, m := range r.MX {
			out = append(out, &dns.MX{Hdr: hdr(qtype), Preference: m.Pref, Mx: canonical(m.Host)})
		}
	case dns.TypeSRV:
		for _, s := range r.SRV {
			out = append(out, &dns.SRV{Hdr: hdr(qtype), Priority: s.Priority, Weight: s.Weight,
				Port: s.Port, Target: canonical(s.Target)})
		}
	case dns.TypeTXT:
		for _, t := range r.TXT {
			out = append(out, &dns.TXT{Hdr: hdr(qtype), Txt: chunks(t, 255)})
		}
	case dns.TypeCNAME:
		if r.CNAME != "" {
			out = append(out, &dns.CNAME{Hdr: hdr(qtype), Target: canonical(r.CNAME)})
		}
	}
	return out
}

// chunks splits s into pieces of at most n bytes.
func chunks(s string, n int) []string {
	out := []string{}
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}
