package bench

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// The latency world: alice@example.test, a domain that publishes nothing
// about its mail but an MX pointing at a provider, whose own autoconfig
// names its servers. Discovery therefore has to go the longest way the
// sources know: MX query → autoconfig of the MX's domain (DNS, TCP, TLS,
// HTTP) → probe of the servers it names (DNS, TCP, TLS, greeting,
// capabilities).
//
// Every other source answers, through the same latency:
//
//	SRV (6 labels)                       NXDOMAIN
//	https://autoconfig.example.test      NXDOMAIN (no such host)
//	https://example.test/.well-known     404 (the domain has a web site)
//	http:// variants of both             NXDOMAIN, 404
//	ISPDB (example.test, provider.test)  404, from an https server in the world
//	autodiscover                         404 (root), NXDOMAIN (autodiscover. host, SRV)
//	guesses                              imap./pop./pop3./smtp./mail.example.test
//	                                     NXDOMAIN; example.test and mx1.provider.test
//	                                     resolve but refuse every mail port
//
// The wildcard variant (newWorld's wildcard argument) gives example.test
// what many domains have: a wildcard A record to the web site, so that
// autoconfig., autodiscover. and every guessed name resolve (the web site
// answers 404 with a *.example.test certificate; the mail ports refuse).
// Its longest chain of round trips is the same MX chain: the new paths
// are 4 RTT at most.
//
// No built-in provider database is loaded: it is offline (no round trip)
// and knows nothing of these .test domains.
//
// Addresses are in 127.20.0.0/24 and never dialled for real: the latency
// net routes each IP:port to an in-process listener and refuses the rest.
const (
	worldAddress  = "alice@example.test"
	worldISPDBURL = "https://ispdb.test/v1.1/"

	ipWeb      = "127.20.0.10" // example.test: web site (404), no mail
	ipProvider = "127.20.0.20" // autoconfig.provider.test
	ipISPDB    = "127.20.0.30" // ispdb.test
	ipMX       = "127.20.0.40" // mx1.provider.test: no submission or access ports
	ipIMAP     = "127.20.0.50" // imap.provider.test:993
	ipSMTP     = "127.20.0.60" // smtp.provider.test:465

	wantIMAP = "imap.provider.test:993"
	wantSMTP = "smtp.provider.test:465"
)

var worldZone = resolvertest.Zone{
	"example.test":             {A: []string{ipWeb}, MX: []resolvertest.MX{{Host: "mx1.provider.test", Pref: 10}}},
	"mx1.provider.test":        {A: []string{ipMX}},
	"autoconfig.provider.test": {A: []string{ipProvider}},
	"imap.provider.test":       {A: []string{ipIMAP}},
	"smtp.provider.test":       {A: []string{ipSMTP}},
	"ispdb.test":               {A: []string{ipISPDB}},
}

// providerConfig is what https://autoconfig.provider.test serves.
const providerConfig = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="provider.test">
    <domain>provider.test</domain>
    <displayName>Provider</displayName>
    <incomingServer type="imap">
      <hostname>imap.provider.test</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.provider.test</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`

// world is the latency world, running.
type world struct {
	rtt   time.Duration
	addr  autoconfig.Address
	dns   *resolvertest.Server
	net   *latencyNet
	roots *x509.CertPool
}

// wildcardNames are the example.test names the wildcard variant adds.
var wildcardNames = []string{"autoconfig", "autodiscover", "imap", "pop3", "pop", "smtp", "mail"}

// newWorld starts the world with rtt on every DNS answer and TCP round
// trip; everything stops when tb ends.
func newWorld(tb testing.TB, rtt time.Duration, wildcard bool) *world {
	tb.Helper()
	ca, err := probetest.NewCA()
	if err != nil {
		tb.Fatal(err)
	}
	issue := func(names ...string) *tls.Config {
		leaf, err := ca.Issue(probetest.LeafOptions{}, names...)
		if err != nil {
			tb.Fatal(err)
		}
		return leaf.TLSConfig()
	}

	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "autoconfig.provider.test" && r.URL.Path == "/mail/config-v1.1.xml" {
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, providerConfig)
			return
		}
		http.NotFound(w, r)
	})
	https := httptest.NewUnstartedServer(web)
	https.EnableHTTP2 = true
	https.TLS = issue("example.test", "*.example.test", "autoconfig.provider.test", "ispdb.test")
	https.StartTLS()
	tb.Cleanup(https.Close)
	plain := httptest.NewServer(web)
	tb.Cleanup(plain.Close)

	imap := probetest.StartIMAP(tb, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: issue("imap.provider.test")})
	smtp := probetest.StartSMTP(tb, probetest.SMTPOptions{Domain: "smtp.provider.test", TLS: probetest.ImplicitTLS, TLSConfig: issue("smtp.provider.test")})

	n := newLatencyNet(rtt)
	tb.Cleanup(n.Close)
	for addr, backend := range map[string]string{
		ipWeb + ":443":      https.Listener.Addr().String(),
		ipWeb + ":80":       plain.Listener.Addr().String(),
		ipProvider + ":443": https.Listener.Addr().String(),
		ipISPDB + ":443":    https.Listener.Addr().String(),
		ipIMAP + ":993":     imap.Addr,
		ipSMTP + ":465":     smtp.Addr,
	} {
		if err := n.Route(addr, backend); err != nil {
			tb.Fatal(err)
		}
	}

	dns := resolvertest.NewServer(tb, worldZone)
	dns.SetLatency(rtt)
	if wildcard {
		for _, n := range wildcardNames {
			dns.Set(n+".example.test", resolvertest.Records{A: []string{ipWeb}})
		}
	}

	addr, err := autoconfig.ParseAddress(worldAddress)
	if err != nil {
		tb.Fatal(err)
	}
	return &world{rtt: rtt, addr: addr, dns: dns, net: n, roots: ca.Pool()}
}

// options wires one discovery run the way commands/netsetup.go wires the
// CLI's: one resolver, one dialer (here through the latency net), an HTTP
// client and a prober on top of them. Everything is new for each run, so
// no DNS cache entry and no idle connection survives from one run to the
// next. The returned func releases the HTTP client's idle connections.
func (w *world) options(disabled ...autoconfig.Source) (*autoconfig.Options, func()) {
	res, err := resolver.New(w.dns.Addr())
	if err != nil {
		panic(err) // the address came from the server itself
	}
	const timeout = 10 * time.Second
	d := &resolver.Dialer{Resolver: res, Dial: w.net.Dial}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: w.roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       5 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	prober := probe.New(&probe.Options{
		DialContext: d.DialContext, Resolve: d.Resolve, Network: "tcp",
		RootCAs: w.roots, Timeout: timeout,
	})
	return &autoconfig.Options{
		Resolver:     res,
		HTTP:         &autoconfig.HTTPOptions{Client: &http.Client{Timeout: timeout, Transport: tr}},
		Prober:       prober,
		ISPDBURL:     worldISPDBURL,
		ProbeTimeout: timeout,
		Disabled:     disabled,
	}, tr.CloseIdleConnections
}

// allSources are the sources the world's run asks (the provider database
// is not loaded, see above).
var allSources = []autoconfig.Source{
	autoconfig.SourceSRV, autoconfig.SourceAutoconfig, autoconfig.SourceWellKnown,
	autoconfig.SourceAutoconfigHTTP, autoconfig.SourceISPDB, autoconfig.SourceMX,
	autoconfig.SourceAutodiscover, autoconfig.SourceGuess,
}

// allBut lists every source except keep, for Options.Disabled.
func allBut(keep autoconfig.Source) []autoconfig.Source {
	var out []autoconfig.Source
	for _, s := range allSources {
		if s != keep {
			out = append(out, s)
		}
	}
	return out
}
