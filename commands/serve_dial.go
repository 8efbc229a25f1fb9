package commands

import (
	"context"
	"fmt"
	"net/netip"
	"path"
	"strings"
)

// Which addresses serve connects to (docs/check.md, "Addresses serve
// dials"). Monitoring internal servers is a main use of serve, so a server
// the scrape names itself (a URL target, which the allow-list admitted by
// name) may be anywhere. A server that discovery found through sources the
// operator does not control (autoconfig files, redirects, MX and SRV
// records of the target's domain) must not turn the exporter into a probe
// of its own network: at a loopback, link-local or private address it is
// dialled only when an allow-list entry covers that address explicitly.

// namedTargetKey marks a probe's context: the scrape named this server.
type namedTargetKey struct{}

func withNamedTarget(ctx context.Context) context.Context {
	return context.WithValue(ctx, namedTargetKey{}, true)
}

// internalAddress says why ip is not a public address, or "".
func internalAddress(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "not a unicast address"
	}
	return ""
}

// coversAddress reports whether an allow-list entry names ip's range
// explicitly: a CIDR prefix that contains it ("10.1.0.0/16") or an address
// pattern that matches it ("127.0.0.*"). A name pattern, "*" included,
// covers no address.
func coversAddress(allow []string, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, e := range allow {
		if p, err := netip.ParsePrefix(e); err == nil {
			if p.Contains(ip) {
				return true
			}
			continue
		}
		if isAddressPattern(e) {
			if ok, _ := path.Match(strings.ToLower(e), ip.String()); ok {
				return true
			}
		}
	}
	return false
}

// isAddressPattern: an IPv4 pattern starts with a digit, an IPv6 one has
// a colon; a name pattern has neither.
func isAddressPattern(e string) bool {
	return e != "" && (e[0] >= '0' && e[0] <= '9' || strings.Contains(e, ":"))
}

// dialCheck is the check serve's prober runs on every address before it
// connects (netSetup.dialCheck).
func (c *serveConfig) dialCheck(ctx context.Context, ip netip.Addr) error {
	if ctx.Value(namedTargetKey{}) != nil {
		return nil
	}
	why := internalAddress(ip)
	if why == "" || coversAddress(c.Allow, ip) {
		return nil
	}
	// No ": " in the text: the probe shows what follows the last one.
	return fmt.Errorf("skipped, %s is %s found by discovery, which serve dials only when an allow-list entry covers it (such as %q)",
		ip.Unmap(), why, suggestPrefix(ip))
}

func suggestPrefix(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is4() {
		p, _ := ip.Prefix(24)
		return p.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}
