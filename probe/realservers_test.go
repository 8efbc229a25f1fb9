package probe_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestRealServers probes Debian's Dovecot and Postfix, as configured by
// probetest.StartMailServers, on every standard port: the conversation
// written against the in-process servers must hold against the real ones.
// It uses addresses in 127.0.20.0/24 (probetest's own tests use
// 127.0.10.0/24).
func TestRealServers(t *testing.T) {
	tmp, certFile, keyFile := realServerCert(t)
	var addr string
	for i := range 10 {
		addr = fmt.Sprintf("127.0.20.%d", 10*i+1)
		m, err := probetest.StartMailServers(probetest.MailServerOptions{
			Dir:      fmt.Sprintf("%s/servers%d", tmp, i),
			Addrs:    []string{addr},
			CertFile: certFile,
			KeyFile:  keyFile,
			Users:    []probetest.MailUser{{Address: "alice@example.test", Password: "secret"}},
			Hostname: testHost,
		})
		if errors.Is(err, probetest.ErrMailAddrInUse) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		break
	}
	p := probe.New(&probe.Options{
		Resolve: func(context.Context, string) ([]net.IP, error) { return []net.IP{net.ParseIP(addr)}, nil },
		RootCAs: testCA().Pool(),
		Timeout: 10 * time.Second,
	})
	servers := []autoconfig.Server{
		{Protocol: imap, Port: 993, Security: secTLS},
		{Protocol: imap, Port: 143, Security: secStartTLS},
		{Protocol: pop3, Port: 995, Security: secTLS},
		{Protocol: pop3, Port: 110, Security: secStartTLS},
		{Protocol: smtp, Port: 465, Security: secTLS},
		{Protocol: smtp, Port: 587, Security: secStartTLS},
		{Protocol: smtp, Port: 25, Security: secStartTLS},
	}
	var wg sync.WaitGroup
	results := make([]*autoconfig.ProbeResult, len(servers))
	for i := range servers {
		servers[i].Host = testHost
		wg.Go(func() { results[i] = p.Probe(context.Background(), servers[i]) })
	}
	wg.Wait()
	for i, res := range results {
		srv := servers[i]
		t.Run(fmt.Sprintf("%s/%d", srv.Protocol, srv.Port), func(t *testing.T) {
			if res.Status != autoconfig.ProbeOK || !res.Verified() {
				logResult(t, res)
				t.Fatalf("status %s (%s), verified %v; want ok, verified", res.Status, res.Error, res.Verified())
			}
			t.Logf("greeting %q, capabilities %q, SASL %q, TLS %s", res.Greeting, res.Capabilities, res.SASL, res.TLS.Version)
			if srv.Port == 25 {
				// No AUTH on 25, so the relay check runs: Postfix's
				// default_transport (error:5.7.1) refuses other domains.
				if res.Relay == nil || res.Relay.Outcome != autoconfig.RelayRefused || !strings.Contains(res.Relay.Reply, "5.7.1") {
					t.Errorf("relay check on port 25: %+v, want refused with 5.7.1", res.Relay)
				}
			} else if res.Relay != nil {
				t.Errorf("relay check on port %d, which offers AUTH: %+v", srv.Port, res.Relay)
			}
			for _, f := range res.Findings {
				t.Logf("finding %s: %s", f.Code, f.Message)
				if f.Severity == autoconfig.SeverityError && !(srv.Port == 25 && f.Code == probe.CodeRelayRefused) {
					t.Errorf("error finding %s", f.Code)
				}
			}
			if srv.Port != 25 && !slices.Contains(res.SASL, "PLAIN") {
				logResult(t, res)
				t.Errorf("SASL = %v, want PLAIN", res.SASL)
			}
		})
	}
}

// realServerCert skips a test of the real servers when they cannot run
// (or fails it in CI), and writes a certificate for testHost into a
// temporary directory, which it returns too.
func realServerCert(t *testing.T) (dir, certFile, keyFile string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Dovecot and Postfix")
	}
	probetest.RequireMailServers(t)
	dir = t.TempDir()
	l, err := testCA().Issue(probetest.LeafOptions{}, testHost)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err = l.WriteFiles(dir, "mail")
	if err != nil {
		t.Fatal(err)
	}
	return dir, certFile, keyFile
}
