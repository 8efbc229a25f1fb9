package commands

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/probe"
)

// envHostsFile names another hosts file than /etc/hosts, which addresses
// are looked up in before DNS: for tests, and systems that keep it
// elsewhere.
const envHostsFile = "POSTINO_HOSTS_FILE"

// netSetup is the network side of one run, built once from its settings
// and shared by discovery and probes so that --resolver, -4/-6 and
// --ca-file apply everywhere.
type netSetup struct {
	resolver resolver.Resolver
	dialer   *resolver.Dialer
	roots    *x509.CertPool
	http     *autoconfig.HTTPOptions
	mailFrom string // the account's address: the sender of the relay check
	// probeTimeout bounds one connection attempt of the prober.
	probeTimeout time.Duration
	// dialCheck, when set, may refuse an address before the prober
	// connects to it (serve's rule on internal addresses).
	dialCheck func(ctx context.Context, ip netip.Addr) error
}

func newNetSetup(s runSettings) (*netSetup, error) {
	var res *resolver.Client
	var err error
	if addr := s.Resolver; addr != "" {
		res, err = resolver.New(addr)
	} else {
		res, err = resolver.FromSystem()
	}
	if err != nil {
		return nil, withHint(fmt.Errorf("cannot set up DNS: %w", err), "name a DNS server with --resolver HOST[:PORT]")
	}
	if f := os.Getenv(envHostsFile); f != "" {
		if err := res.UseHostsFile(f); err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", envHostsFile, err)}
		}
	}
	family := resolver.Family("")
	switch {
	case s.IPv4 && s.IPv6:
		return nil, usageError{fmt.Errorf("-4 and -6 exclude each other")}
	case s.IPv4:
		family = resolver.IPv4
	case s.IPv6:
		family = resolver.IPv6
	}
	roots, err := rootPool(s.CAFile)
	if err != nil {
		return nil, err
	}
	d := &resolver.Dialer{Resolver: res, Family: family}
	client := &http.Client{
		Timeout: s.ProbeTimeout,
		Transport: &http.Transport{
			DialContext:           d.DialContext,
			TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   s.ProbeTimeout,
			ResponseHeaderTimeout: s.ProbeTimeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       5 * time.Second,
			ForceAttemptHTTP2:     true,
		},
	}
	return &netSetup{resolver: res, dialer: d, roots: roots, http: &autoconfig.HTTPOptions{Client: client},
		mailFrom: s.MailFrom, dialCheck: s.DialCheck, probeTimeout: s.ProbeTimeout}, nil
}

// prober is the basic probe, dialling and resolving like everything else.
func (ns *netSetup) prober() *probe.Prober {
	network := "tcp"
	switch ns.dialer.Family {
	case resolver.IPv4:
		network = "tcp4"
	case resolver.IPv6:
		network = "tcp6"
	}
	dialer := ns.dialer
	if check := ns.dialCheck; check != nil {
		guarded := *ns.dialer
		var nd net.Dialer
		// resolver.Dialer hands Dial one IP address at a time: the check
		// sees every address after resolution, just before the connect.
		guarded.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return nil, fmt.Errorf("not dialled, %s is not an IP address and port", address)
			}
			if err := check(ctx, ap.Addr()); err != nil {
				return nil, err
			}
			return nd.DialContext(ctx, network, address)
		}
		dialer = &guarded
	}
	return probe.New(&probe.Options{
		DialContext: dialer.DialContext, Resolve: dialer.Resolve, Network: network,
		ResolveFamily: func(ctx context.Context, host, family string) ([]net.IP, string, error) {
			ips, ans, err := ns.resolver.LookupIP(ctx, host, resolver.Family(family))
			from := ""
			if ans.Hosts {
				from = ans.Server
			}
			return ips, from, err
		},
		RootCAs: ns.roots, Timeout: ns.probeTimeout, MailFrom: ns.mailFrom,
	})
}

// rootPool is the system's trust store plus the CAs in caFile.
func rootPool(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, usageError{fmt.Errorf("--ca-file: %w", err)}
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageError{fmt.Errorf("--ca-file %s: no PEM certificate in it", caFile)}
	}
	return pool, nil
}

// errResolverDead ends a run that learnt nothing but that the resolver
// does not answer (exit 3).
var errResolverDead = withHint(fmt.Errorf("the DNS resolver did not answer any question"),
	"check the network connection, or name a working resolver with --resolver HOST[:PORT]")

// resolverDeadFor reports whether every server of the report failed its
// DNS lookup because the resolver itself is dead: asked again for the
// first server's name, it gives no answer at all (a timeout, nothing
// listening), rather than an answer such as SERVFAIL from the domain's
// name servers. A run out of time cannot tell, and counts as dead:
// UNKNOWN, not CRITICAL.
func (ns *netSetup) resolverDeadFor(ctx context.Context, rep *testReport) bool {
	host := ""
	for _, side := range []testSide{rep.Incoming, rep.Outgoing} {
		for _, ts := range side.Servers {
			failed := false
			for _, f := range ts.Findings {
				failed = failed || f.Code == probe.CodeDNSFailed
			}
			if !failed {
				return false
			}
			if host == "" {
				host = ts.Server.Host
			}
		}
	}
	if host == "" {
		return false
	}
	if ctx.Err() != nil {
		return true
	}
	family := resolver.IPv4
	if ns.dialer.Family == resolver.IPv6 {
		family = resolver.IPv6
	}
	_, _, err := ns.resolver.LookupIP(ctx, host, family)
	k := resolver.Kind(err)
	return k == "timeout" || k == "unreachable"
}
