package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// ErrNoAddress reports that a host name exists but has no address of the
// families asked for.
var ErrNoAddress = errors.New("resolver: no address")

// Dialer connects to host:port addresses, resolving host names through
// Resolver and racing the addresses found with Race (Happy Eyeballs v2,
// RFC 8305, without its resolution delay): IPv6 and IPv4 addresses
// interleaved, IPv6 first, a new attempt every FallbackDelay or as soon as
// the previous one fails, the first connection wins.
//
// Its DialContext fits http.Transport.DialContext. A Dialer is safe for
// concurrent use if its Resolver and Dial are; do not change its fields while
// it is in use.
type Dialer struct {
	// Resolver looks up host names. Nil allows only IP literals.
	Resolver Resolver
	// Family restricts the addresses used to IPv4 or IPv6; "" allows both.
	Family Family
	// Dial connects to one IP address and port. Nil means a net.Dialer.
	// Tests use it to map an address onto a loopback listener.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// FallbackDelay is how long an attempt runs before the next one
	// starts alongside it. Zero means ConnectionAttemptDelay (250ms).
	FallbackDelay time.Duration
}

// DialContext connects to address ("host:port") on network ("tcp", "tcp4"
// or "tcp6"; "4" and "6" restrict the family like Family does). An IP
// literal host is dialled as it is. When every attempt fails, the error
// names the address and wraps the resolver error or the last dial error.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("resolver: dial %s: %w", address, err)
	}
	family, err := d.family(network)
	if err != nil {
		return nil, fmt.Errorf("resolver: dial %s: %w", address, err)
	}
	ips, err := d.resolve(ctx, host, family)
	if err != nil {
		return nil, fmt.Errorf("resolver: dial %s: %w", address, err)
	}
	addrs := make([]string, len(ips))
	for i, ip := range ips {
		addrs[i] = net.JoinHostPort(ip, port)
	}
	return d.race(ctx, network, address, addrs)
}

// Resolve returns the addresses of host in the order DialContext tries
// them. An IP literal is returned as it is.
func (d *Dialer) Resolve(ctx context.Context, host string) ([]net.IP, error) {
	family, err := d.family("")
	if err != nil {
		return nil, err
	}
	ips, err := d.resolve(ctx, host, family)
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, 0, len(ips))
	for _, s := range ips {
		a, _ := netip.ParseAddr(s)
		out = append(out, net.IP(a.WithZone("").AsSlice()))
	}
	return out, nil
}

// family combines d.Family with the family a network name asks for.
func (d *Dialer) family(network string) (Family, error) {
	var want Family
	switch {
	case strings.HasSuffix(network, "4"):
		want = IPv4
	case strings.HasSuffix(network, "6"):
		want = IPv6
	}
	switch {
	case d.Family != "" && d.Family != IPv4 && d.Family != IPv6:
		return "", fmt.Errorf("resolver: unknown address family %q", d.Family)
	case want == "":
		return d.Family, nil
	case d.Family != "" && d.Family != want:
		return "", fmt.Errorf("resolver: network %s conflicts with family %s", network, d.Family)
	}
	return want, nil
}

// resolve returns the addresses of host as strings (keeping an IPv6 zone),
// IPv6 and IPv4 interleaved, IPv6 first.
func (d *Dialer) resolve(ctx context.Context, host string, family Family) ([]string, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if family == IPv4 && !a.Unmap().Is4() || family == IPv6 && a.Unmap().Is4() {
			return nil, fmt.Errorf("resolver: address %s is not %s", host, family)
		}
		return []string{host}, nil
	}
	if d.Resolver == nil {
		return nil, fmt.Errorf("resolver: no resolver to look up %s", host)
	}
	type result struct {
		ips []net.IP
		err error
	}
	var v6, v4 chan result
	lookup := func(f Family) chan result {
		ch := make(chan result, 1)
		go func() {
			ips, _, err := d.Resolver.LookupIP(ctx, host, f)
			ch <- result{ips, err}
		}()
		return ch
	}
	if family != IPv4 {
		v6 = lookup(IPv6)
	}
	if family != IPv6 {
		v4 = lookup(IPv4)
	}
	var r6, r4 result
	if v6 != nil {
		r6 = <-v6
	}
	if v4 != nil {
		r4 = <-v4
	}
	var out []string
	for _, ip := range Interleave(slices.Concat(r6.ips, r4.ips)) {
		out = append(out, ip.String())
	}
	if len(out) > 0 {
		return out, nil
	}
	// Nothing to dial: report the most telling failure. NXDOMAIN is
	// definitive; otherwise the IPv4 lookup's error, then the IPv6 one's.
	switch {
	case errors.Is(r4.err, ErrNotFound), r6.err == nil && r4.err != nil:
		return nil, r4.err
	case r6.err != nil:
		return nil, r6.err
	}
	what := "address"
	if family != "" {
		what = string(family) + " address"
	}
	return nil, fmt.Errorf("%w: %s has no %s", ErrNoAddress, host, what)
}

// race dials addrs with Race; the error names the address and how many
// of its addresses were tried.
func (d *Dialer) race(ctx context.Context, network, address string, addrs []string) (net.Conn, error) {
	dial := d.Dial
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	a := Race(ctx, addrs, d.FallbackDelay, func(ctx context.Context, addr string) (net.Conn, error) {
		return dial(ctx, network, addr)
	})
	switch {
	case a.Conn != nil:
		return a.Conn, nil
	case len(addrs) == 1:
		return nil, fmt.Errorf("resolver: dial %s: %w", address, a.Err)
	case a.Tried == len(addrs) && ctx.Err() == nil:
		return nil, fmt.Errorf("resolver: dial %s: all %d addresses failed, last: %w", address, a.Tried, a.Err)
	}
	return nil, fmt.Errorf("resolver: dial %s: %d of %d addresses tried: %w", address, a.Tried, len(addrs), a.Err)
}
