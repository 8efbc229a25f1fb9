package probe_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// testHost is the name every test server answers to; the fake resolver maps
// it (and every name but nxHost) to 127.0.0.1.
const (
	testHost = "mail.example.test"
	nxHost   = "nx.example.test"
)

var testCA = sync.OnceValue(func() *probetest.CA {
	ca, err := probetest.NewCA()
	if err != nil {
		panic(err)
	}
	return ca
})

// leaf issues a certificate from the test CA.
func leaf(t testing.TB, o probetest.LeafOptions, names ...string) *tls.Config {
	t.Helper()
	l, err := testCA().Issue(o, names...)
	if err != nil {
		t.Fatal(err)
	}
	return l.TLSConfig()
}

var goodCert = sync.OnceValue(func() *tls.Config {
	l, err := testCA().Issue(probetest.LeafOptions{}, testHost)
	if err != nil {
		panic(err)
	}
	return l.TLSConfig()
})

func fakeResolve(_ context.Context, host string) ([]net.IP, error) {
	if host == nxHost {
		return nil, fmt.Errorf("lookup %s: %w", host, resolver.ErrNotFound)
	}
	return []net.IP{net.IPv4(127, 0, 0, 1)}, nil
}

// newProber is a prober that resolves every name to loopback and trusts the
// test CA.
func newProber(timeout time.Duration) *probe.Prober {
	return probe.New(&probe.Options{Resolve: fakeResolve, RootCAs: testCA().Pool(), Timeout: timeout})
}

func server(p autoconfig.Protocol, sec autoconfig.Security, port int) autoconfig.Server {
	return autoconfig.Server{Protocol: p, Host: testHost, Port: port, Security: sec}
}

// run probes srv with a prober of the given timeout and logs the result
// when the test fails.
func run(t *testing.T, timeout time.Duration, srv autoconfig.Server) *autoconfig.ProbeResult {
	t.Helper()
	res := newProber(timeout).Probe(context.Background(), srv)
	if res == nil {
		t.Fatal("Probe returned nil")
	}
	t.Cleanup(func() {
		if t.Failed() {
			logResult(t, res)
		}
	})
	return res
}

func logResult(t *testing.T, res *autoconfig.ProbeResult) {
	t.Logf("status=%s kind=%s error=%q", res.Status, res.ErrorKind, res.Error)
	for _, ph := range res.Phases {
		t.Logf("  phase %-12s ok=%v addr=%s %s", ph.Name, ph.OK, ph.Address, ph.Detail)
	}
	for _, l := range res.Transcript {
		arrow := "<-"
		if l.Dir == "send" {
			arrow = "->"
		}
		if l.TLS {
			arrow = strings.ReplaceAll(arrow, "-", "~")
		}
		t.Logf("  %s %s", arrow, l.Text)
	}
	for _, f := range res.Findings {
		t.Logf("  finding %s (%s): %s; hint: %s", f.Code, f.Severity, f.Message, f.Hint)
	}
	if res.TLS != nil {
		t.Logf("  tls %+v", *res.TLS)
	}
}

func phaseNames(res *autoconfig.ProbeResult) []string {
	var names []string
	for _, ph := range res.Phases {
		names = append(names, ph.Name)
	}
	return names
}

func codes(res *autoconfig.ProbeResult) []string { return findingCodes(res.Findings) }

func findingOf(res *autoconfig.ProbeResult, code string) (autoconfig.Finding, bool) {
	return findingIn(res.Findings, code)
}

// findingCodes are the codes of fs, sorted.
func findingCodes(fs []autoconfig.Finding) []string {
	var c []string
	for _, f := range fs {
		c = append(c, f.Code)
	}
	slices.Sort(c)
	return c
}

// findingIn returns the finding of fs with code.
func findingIn(fs []autoconfig.Finding, code string) (autoconfig.Finding, bool) {
	for _, f := range fs {
		if f.Code == code {
			return f, true
		}
	}
	return autoconfig.Finding{}, false
}

func lastPhase(res *autoconfig.ProbeResult) autoconfig.Phase {
	if len(res.Phases) == 0 {
		return autoconfig.Phase{}
	}
	return res.Phases[len(res.Phases)-1]
}

// wantFailure checks a failed probe's kind, the phase it failed in and
// words of its message.
func wantFailure(t *testing.T, res *autoconfig.ProbeResult, kind, phase string, words ...string) {
	t.Helper()
	if res.Status != autoconfig.ProbeFailed || res.ErrorKind != kind {
		t.Errorf("status, kind = %s, %q; want failed, %q", res.Status, res.ErrorKind, kind)
	}
	if ph := lastPhase(res); ph.Name != phase || ph.OK {
		t.Errorf("last phase = %s (ok=%v); want failed %s", ph.Name, ph.OK, phase)
	}
	for _, w := range words {
		if !strings.Contains(res.Error, w) {
			t.Errorf("error %q does not contain %q", res.Error, w)
		}
	}
}

// startServer starts an in-process server of the protocol with users and
// the good certificate.
func startServer(t *testing.T, p autoconfig.Protocol, mode probetest.TLSMode) int {
	t.Helper()
	users := map[string]string{"alice@example.test": "secret"}
	var cfg *tls.Config
	if mode != probetest.Plain {
		cfg = goodCert()
	}
	switch p {
	case autoconfig.IMAP:
		return probetest.StartIMAP(t, probetest.IMAPOptions{TLS: mode, TLSConfig: cfg, Users: users}).Port()
	case autoconfig.POP3:
		return probetest.StartPOP3(t, probetest.POP3Options{TLS: mode, TLSConfig: cfg, Users: users,
			Messages: []string{"Subject: hi\n\nhello\n"}}).Port()
	default:
		return probetest.StartSMTP(t, probetest.SMTPOptions{TLS: mode, TLSConfig: cfg, Users: users, Domain: testHost}).Port()
	}
}
