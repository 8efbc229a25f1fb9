package bench

import (
	"context"
	"crypto/x509"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// The test world: what `postino test alice@example.test --imap
// imap.example.test --pop3 pop.example.test --smtp smtp.example.test`
// diagnoses, behind the same latency injector as the discover world
// (latency_test.go: one RTT per DNS answer, per TCP connect and per round
// trip of bytes).
//
//	imap.example.test  A 127.21.0.1, AAAA ::1   IMAP  993 (implicit TLS), 143 (STARTTLS)
//	pop.example.test   A 127.21.0.2, AAAA ::1   POP3  995 (implicit TLS), 110 (STLS)
//	smtp.example.test  A 127.21.0.3, AAAA ::1   SMTP  465 (implicit TLS), 587 (STARTTLS)
//
// Each port is its own in-process server from probetest (go-imap, the
// scripted POP3 server, go-smtp) with a certificate from the test CA for
// its host name, so every check passes: the benchmark measures the time of
// a diagnosis that finds nothing wrong, which is the one that does the
// most round trips. The three hosts share ::1 (their services use
// different ports, so each IP:port still means one server).
//
// The addresses are never dialled for real: the latency net routes each
// IP:port to the in-process server behind a delaying proxy on 127.0.0.1
// and refuses everything else.
const (
	testWorldAddress = "alice@example.test"
	ipTestIMAP       = "127.21.0.1"
	ipTestPOP3       = "127.21.0.2"
	ipTestSMTP       = "127.21.0.3"
	ipTestV6         = "::1"
)

// testService is one service of the account: its host, and the ports of
// its two security modes.
type testService struct {
	proto              autoconfig.Protocol
	host, ip           string
	tlsPort, startPort int
	// capsInGreeting: go-imap's greeting carries [CAPABILITY …], so the
	// probe asks for the capabilities only after STARTTLS.
	capsInGreeting bool
}

var testServices = []testService{
	{autoconfig.IMAP, "imap.example.test", ipTestIMAP, 993, 143, true},
	{autoconfig.POP3, "pop.example.test", ipTestPOP3, 995, 110, false},
	{autoconfig.SMTP, "smtp.example.test", ipTestSMTP, 465, 587, false},
}

// named is the server as `postino test --imap HOST` names it: no port, so
// implicit TLS on the standard port (commands/test.go, parseServer). The
// diagnosis checks the STARTTLS port too, as the other port.
func (s testService) named() autoconfig.Server {
	return autoconfig.Server{Protocol: s.proto, Host: s.host, Port: s.tlsPort, Security: autoconfig.SecurityTLS}
}

// starttls is the service's STARTTLS port, named on its own.
func (s testService) starttls() autoconfig.Server {
	return autoconfig.Server{Protocol: s.proto, Host: s.host, Port: s.startPort, Security: autoconfig.SecurityStartTLS}
}

// testWorld is the test world, running.
type testWorld struct {
	rtt   time.Duration
	dns   *resolvertest.Server
	net   *latencyNet
	roots *x509.CertPool
}

// newTestWorld starts the test world with rtt on every DNS answer and TCP
// round trip; everything stops when tb ends.
func newTestWorld(tb testing.TB, rtt time.Duration) *testWorld {
	tb.Helper()
	ca, err := probetest.NewCA()
	if err != nil {
		tb.Fatal(err)
	}
	n := newLatencyNet(rtt)
	tb.Cleanup(n.Close)
	zone := resolvertest.Zone{}
	for _, s := range testServices {
		leaf, err := ca.Issue(probetest.LeafOptions{}, s.host)
		if err != nil {
			tb.Fatal(err)
		}
		cfg := leaf.TLSConfig()
		backends := map[int]string{} // port → in-process server
		for _, m := range []struct {
			port int
			mode probetest.TLSMode
		}{{s.tlsPort, probetest.ImplicitTLS}, {s.startPort, probetest.StartTLS}} {
			switch s.proto {
			case autoconfig.IMAP:
				backends[m.port] = probetest.StartIMAP(tb, probetest.IMAPOptions{TLS: m.mode, TLSConfig: cfg}).Addr
			case autoconfig.POP3:
				backends[m.port] = probetest.StartPOP3(tb, probetest.POP3Options{TLS: m.mode, TLSConfig: cfg}).Addr
			case autoconfig.SMTP:
				backends[m.port] = probetest.StartSMTP(tb, probetest.SMTPOptions{Domain: s.host, TLS: m.mode, TLSConfig: cfg}).Addr
			}
		}
		for _, ip := range []string{s.ip, ipTestV6} {
			for port, backend := range backends {
				if err := n.Route(net.JoinHostPort(ip, strconv.Itoa(port)), backend); err != nil {
					tb.Fatal(err)
				}
			}
		}
		zone[s.host] = resolvertest.Records{A: []string{s.ip}, AAAA: []string{ipTestV6}}
	}
	dns := resolvertest.NewServer(tb, zone)
	dns.SetLatency(rtt)
	return &testWorld{rtt: rtt, dns: dns, net: n, roots: ca.Pool()}
}

// Defaults of the CLI that the diagnosis depends on (commands/flags.go,
// commands/test.go).
const (
	cliTimeout      = 30 * time.Second // --timeout
	cliProbeTimeout = 10 * time.Second // --probe-timeout
)

// prober is what commands/netsetup.go builds for one run: a new resolver
// (so no cache entry survives from one run to the next) and dialer, here
// dialling through the latency net.
func (w *testWorld) prober() *probe.Prober {
	res, err := resolver.New(w.dns.Addr())
	if err != nil {
		panic(err) // the address came from the server itself
	}
	d := &resolver.Dialer{Resolver: res, Dial: w.net.Dial}
	return probe.New(&probe.Options{
		DialContext: d.DialContext, Resolve: d.Resolve, Network: "tcp",
		RootCAs: w.roots, Timeout: cliProbeTimeout,
	})
}

// diagnoseOptions are those of `postino test` without --login, --send or
// --cert-warn-days: servers named with --imap/--pop3/--smtp are trusted.
func diagnoseOptions() probe.DiagnoseOptions {
	return probe.DiagnoseOptions{CertWarnDays: probe.DefaultCertWarnDays, Trusted: true}
}

// diagnoseAll does what commands/test.go (testRun.diagnose) does with the
// servers the user named: one Diagnose per server, all at once, and waits
// for all of them. It returns the wall time and the diagnoses in the order
// of testServices.
func (w *testWorld) diagnoseAll(ctx context.Context, p *probe.Prober) (time.Duration, []*probe.Diagnosis) {
	diags := make([]*probe.Diagnosis, len(testServices))
	start := time.Now()
	var wg sync.WaitGroup
	for i, s := range testServices {
		o := diagnoseOptions()
		wg.Add(1)
		go func() {
			defer wg.Done()
			diags[i] = p.Diagnose(ctx, s.named(), &o)
		}()
	}
	wg.Wait()
	return time.Since(start), diags
}

// diagnoseSequential is the same diagnoses one after another: what the
// run would cost if commands/test.go did not run the servers at once.
func (w *testWorld) diagnoseSequential(ctx context.Context, p *probe.Prober) (time.Duration, []*probe.Diagnosis) {
	diags := make([]*probe.Diagnosis, len(testServices))
	start := time.Now()
	for i, s := range testServices {
		o := diagnoseOptions()
		diags[i] = p.Diagnose(ctx, s.named(), &o)
	}
	return time.Since(start), diags
}

// run is one `postino test` of the three servers in w: a new prober, the
// CLI's overall deadline, the servers diagnosed at once.
func (w *testWorld) run(seq bool) (time.Duration, []*probe.Diagnosis) {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	if seq {
		return w.diagnoseSequential(ctx, w.prober())
	}
	return w.diagnoseAll(ctx, w.prober())
}

// probeOne runs the basic probe (resolve, connect, TLS, greeting,
// capabilities, STARTTLS, capabilities, goodbye) of one server alone, with
// a new prober: the slowest single chain, measured.
func (w *testWorld) probeOne(s autoconfig.Server) *autoconfig.ProbeResult {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	return w.prober().Probe(ctx, s)
}
