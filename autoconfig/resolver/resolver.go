// Package resolver is postino's DNS client: a small ctx-first interface over
// github.com/miekg/dns, so the server asked can be chosen (--resolver), the
// answer's flags (AD, rcode) are visible, and tests can answer from an
// in-process server (see package resolvertest).
package resolver

import (
	"context"
	"errors"
	"net"
	"time"
)

// SRV is one SRV record (RFC 2782). Target has no trailing dot; a target of
// "." (service decidedly not available) is reported as Target == ".".
type SRV struct {
	Target   string
	Port     uint16
	Priority uint16
	Weight   uint16
}

// MX is one MX record. Host has no trailing dot; a null MX (RFC 7505) is
// reported as Host == ".".
type MX struct {
	Host string
	Pref uint16
}

// Answer describes how a query was answered, for the report.
type Answer struct {
	Server    string        // the resolver that answered, host:port; the file's path when Hosts
	Hosts     bool          // answered from the hosts file, not DNS
	Rcode     int           // miekg/dns rcode
	Authentic bool          // the AD bit: the resolver validated DNSSEC
	Duration  time.Duration // wall time of the whole exchange (UDP and any TCP retry)
	Truncated bool          // the UDP answer was truncated and TCP was used
}

// Family restricts address lookups.
type Family string

const (
	IPv4 Family = "ip4" // A records
	IPv6 Family = "ip6" // AAAA records
)

// Resolver looks up the records postino needs. A name that exists but has no
// record of the type asked (NODATA) gives an empty slice and a nil error;
// NXDOMAIN gives ErrNotFound. Implementations are safe for concurrent use.
type Resolver interface {
	LookupSRV(ctx context.Context, name string) ([]SRV, Answer, error)
	LookupMX(ctx context.Context, domain string) ([]MX, Answer, error)
	// LookupIP returns the A (IPv4) or AAAA (IPv6) addresses of host,
	// following CNAMEs.
	LookupIP(ctx context.Context, host string, family Family) ([]net.IP, Answer, error)
}

// Errors, named for the caller's decision. Resolver errors wrap one of them.
var (
	ErrNotFound = errors.New("resolver: no such domain (NXDOMAIN)")
	ErrServFail = errors.New("resolver: server failure (SERVFAIL)")
	ErrRefused  = errors.New("resolver: query refused (REFUSED)")
	ErrTimeout  = errors.New("resolver: timeout")
	ErrNetwork  = errors.New("resolver: resolver unreachable")
	ErrBadRcode = errors.New("resolver: unexpected rcode")
)

// Kind classifies a resolver error for reports and JSON: "nxdomain",
// "servfail", "refused", "timeout", "unreachable", "dns" or "" for nil.
func Kind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotFound):
		return "nxdomain"
	case errors.Is(err, ErrNoAddress):
		return "nodata"
	case errors.Is(err, ErrServFail):
		return "servfail"
	case errors.Is(err, ErrRefused):
		return "refused"
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "timeout"
	case errors.Is(err, ErrNetwork):
		return "unreachable"
	default:
		return "dns"
	}
}
