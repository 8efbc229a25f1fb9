package probe_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestDiagnoseFamiliesApart: with ResolveFamily, A and AAAA are asked and
// reported each on its own; an AAAA query that fails while A answers is a
// warning of its own and the server is still diagnosed over IPv4.
func TestDiagnoseFamiliesApart(t *testing.T) {
	srv := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: goodCert()})
	p := probe.New(&probe.Options{
		RootCAs: testCA().Pool(), Timeout: 5 * time.Second,
		ResolveFamily: func(ctx context.Context, host, family string) ([]net.IP, string, error) {
			if family == "ip6" {
				return nil, "", fmt.Errorf("AAAA %s: %w", host, resolver.ErrServFail)
			}
			return []net.IP{net.IPv4(127, 0, 0, 1)}, "", nil
		},
	})
	d := p.Diagnose(context.Background(), server(autoconfig.IMAP, autoconfig.SecurityTLS, srv.Port()), nil)
	if d.Status != autoconfig.StatusWarning {
		t.Errorf("status %s, want warning (IPv4 works, the AAAA lookup fails)", d.Status)
	}
	var a, aaaa *autoconfig.Phase
	for i, ph := range d.Phases {
		if ph.Name == autoconfig.PhaseResolve && ph.Address == "A" {
			a = &d.Phases[i]
		}
		if ph.Name == autoconfig.PhaseResolve && ph.Address == "AAAA" {
			aaaa = &d.Phases[i]
		}
	}
	if a == nil || !a.OK || !strings.Contains(a.Detail, "127.0.0.1") {
		t.Errorf("A phase %+v, want ok with 127.0.0.1", a)
	}
	if aaaa == nil || aaaa.OK || !strings.Contains(aaaa.Detail, "servfail") {
		t.Errorf("AAAA phase %+v, want failed with servfail", aaaa)
	}
	f, ok := diagFinding(d, probe.CodeDNSFailed)
	if !ok || f.Severity != autoconfig.SeverityWarning {
		t.Errorf("finding %s = %+v (found %v), want a warning", probe.CodeDNSFailed, f, ok)
	}
	if len(d.Addresses) != 1 || !d.Addresses[0].OK {
		t.Errorf("addresses %+v, want the IPv4 one, working", d.Addresses)
	}
}
