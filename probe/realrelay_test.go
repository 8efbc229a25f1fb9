package probe_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestRealRelayCheck runs the relay check against real Postfix offering
// submission without AUTH: once refusing to relay (mynetworks without
// loopback), once relaying for 127.0.0.0/8 (the access provider's line).
// Probe and Diagnose must read Postfix's replies right, never send DATA,
// and leave Postfix's queue empty. It uses addresses in 127.0.21.0/24.
func TestRealRelayCheck(t *testing.T) {
	tmp, certFile, keyFile := realServerCert(t)
	var err error
	var m *probetest.MailServers
	var refusing, relaying string
	for i := range 10 {
		refusing, relaying = fmt.Sprintf("127.0.21.%d", 10*i+2), fmt.Sprintf("127.0.21.%d", 10*i+3)
		m, err = probetest.StartMailServers(probetest.MailServerOptions{
			Dir:               fmt.Sprintf("%s/servers%d", tmp, i),
			Addrs:             []string{fmt.Sprintf("127.0.21.%d", 10*i+1)},
			CertFile:          certFile,
			KeyFile:           keyFile,
			Users:             []probetest.MailUser{{Address: "alice@example.test", Password: "secret"}},
			Hostname:          testHost,
			RelayRefusingAddr: refusing,
			RelayingAddr:      relaying,
		})
		if errors.Is(err, probetest.ErrMailAddrInUse) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("postfix log:\n%s", readLog(m.PostfixLog()))
			}
			m.Close()
		})
		break
	}
	if m == nil {
		t.Fatal("no free address in 127.0.21.0/24")
	}
	proberFor := func(addr string) *probe.Prober {
		return probe.New(&probe.Options{
			Resolve:  func(context.Context, string) ([]net.IP, error) { return []net.IP{net.ParseIP(addr)}, nil },
			RootCAs:  testCA().Pool(),
			Timeout:  10 * time.Second,
			MailFrom: "alice@example.test",
		})
	}
	cases := []struct {
		name, addr, outcome, reply, code string
		status                           autoconfig.Status
	}{
		{"refusing", refusing, autoconfig.RelayRefused, "554 5.7.1 <postmaster@example.net>: Relay access denied", probe.CodeRelayRefused, autoconfig.StatusBroken},
		{"relaying", relaying, autoconfig.RelayAccepted, "250 2.1.5 Ok", probe.CodeRelayWithoutLogin, autoconfig.StatusWarning},
	}
	for _, tc := range cases {
		for _, srv := range []autoconfig.Server{
			{Protocol: smtp, Host: testHost, Port: 587, Security: secStartTLS},
			{Protocol: smtp, Host: testHost, Port: 465, Security: secTLS},
		} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, srv.Port), func(t *testing.T) {
				p := proberFor(tc.addr)
				res := p.Probe(context.Background(), srv)
				if res.Status != autoconfig.ProbeOK || !res.Verified() || len(res.SASL) > 0 {
					logResult(t, res)
					t.Fatalf("status %s (%s), verified %v, SASL %v; want ok, verified, no AUTH", res.Status, res.Error, res.Verified(), res.SASL)
				}
				if res.Relay == nil || res.Relay.Outcome != tc.outcome || res.Relay.Reply != tc.reply {
					logResult(t, res)
					t.Fatalf("relay %+v, want %s with %q", res.Relay, tc.outcome, tc.reply)
				}
				if ph := lastPhase(res); ph.Name != probe.PhaseRelay || ph.Address != net.JoinHostPort(tc.addr, fmt.Sprint(srv.Port)) {
					t.Errorf("last phase %+v, want relay on %s", ph, tc.addr)
				}
				wantSent := []string{"EHLO", "MAIL", "RCPT", "RSET", "QUIT"}
				if srv.Security == secStartTLS {
					wantSent = append([]string{"EHLO", "STARTTLS"}, wantSent...)
				}
				if got := sent(res.Transcript); !slices.Equal(got, wantSent) {
					t.Errorf("sent %v, want %v", got, wantSent)
				}
				if _, ok := findingOf(res, tc.code); !ok {
					t.Errorf("findings %v, want %s", codes(res), tc.code)
				}

				d := p.Diagnose(context.Background(), srv, &probe.DiagnoseOptions{Trusted: true, Login: creds("secret")})
				if d.Status != tc.status || d.Verdict() != tc.status || d.Relay == nil || d.Relay.Outcome != tc.outcome {
					logDiagnosis(t, d)
					t.Errorf("diagnosis: status %s, relay %+v; want %s, %s", d.Status, d.Relay, tc.status, tc.outcome)
				}
				if _, ok := diagFinding(d, probe.CodeOtherPortWorks); ok {
					t.Errorf("diagnosis: %s, but the other port refuses to relay too", probe.CodeOtherPortWorks)
				}
				if d.Login == nil || d.Login.Skipped == "" || slices.Contains(sent(d.Transcript), "AUTH") || slices.Contains(sent(d.Transcript), "DATA") {
					logDiagnosis(t, d)
					t.Errorf("diagnosis: login %+v; want skipped, no AUTH, no DATA", d.Login)
				}
			})
		}
	}
	// Postfix removes an open queue file on RSET; give the cleanup
	// daemon a moment, then nothing may be left.
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := m.PostfixQueued()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages in Postfix's queue after the relay checks; want none", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// smtpd counts each session's commands when it ends ("disconnect
	// from … ehlo=2 starttls=1 mail=1 rcpt=0/1 rset=1 quit=1").
	log := readLog(m.PostfixLog())
	if n := strings.Count(log, " rset=1 quit=1 commands="); n < 4 || strings.Contains(log, " data=") {
		t.Errorf("Postfix's log shows %d sessions ending RSET, QUIT (want 4 at least), or a DATA:\n%s", n, log)
	}
}

func readLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
