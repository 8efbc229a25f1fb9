package probe_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// relayScript is a scripted SMTP server (implicit TLS) that offers no
// AUTH and answers the relay check's RCPT TO with rcpt; with rcpt empty it
// hangs up after MAIL FROM.
func relayScript(t *testing.T, rcpt string) int {
	t.Helper()
	steps := []probetest.Step{{TLS: goodCert()}, {Send: "220 smtp.example.test ESMTP"},
		{Expect: "EHLO", Send: "250-smtp.example.test\n250-8BITMIME\n250 ENHANCEDSTATUSCODES"}}
	if rcpt == "" {
		steps = append(steps, probetest.Step{Expect: "MAIL FROM:", Close: true})
	} else {
		steps = append(steps, probetest.Step{Expect: "MAIL FROM:<postmaster@example.test>", Send: "250 2.1.0 Ok"},
			probetest.Step{Expect: "RCPT TO:<postmaster@example.net>", Send: rcpt},
			probetest.Step{Expect: "RSET", Send: "250 2.0.0 Ok"},
			probetest.Step{Expect: "QUIT", Send: "221 2.0.0 Bye", Close: true})
	}
	return probetest.StartScript(t, steps...).Port()
}

// sent are the commands the probe sent, first words upper-cased.
func sent(tr []autoconfig.TranscriptLine) []string {
	var out []string
	for _, l := range tr {
		if l.Dir == "send" {
			out = append(out, strings.ToUpper(strings.Fields(l.Text)[0]))
		}
	}
	return out
}

// TestRelayCheckReadsTheEnhancedStatusCode: an SMTP server without AUTH
// is asked to relay (MAIL FROM, RCPT TO at example.net, RSET; never DATA),
// and its reply decides: 5.7.x or a 5xx that says relay refuses, 2xx
// accepts, 5.1.x and 4.x.x say nothing about relaying.
func TestRelayCheckReadsTheEnhancedStatusCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, rcpt, outcome, code string
		status                    autoconfig.Status
	}{
		{"postfix 5.7.1", "554 5.7.1 <postmaster@example.net>: Relay access denied", autoconfig.RelayRefused, probe.CodeRelayRefused, autoconfig.StatusBroken},
		{"550 without enhanced code", "550 Relay access denied", autoconfig.RelayRefused, probe.CodeRelayRefused, autoconfig.StatusBroken},
		{"5.1.2 bad domain", "550 5.1.2 <postmaster@example.net>: Recipient address rejected: Domain not found", autoconfig.RelayUnknown, probe.CodeRelayUnknown, autoconfig.StatusWarning},
		{"greylisting 4.7.1", "450 4.7.1 <postmaster@example.net>: Recipient address rejected: Greylisted", autoconfig.RelayUnknown, probe.CodeRelayUnknown, autoconfig.StatusWarning},
		{"4xx without enhanced code", "451 try again later", autoconfig.RelayUnknown, probe.CodeRelayUnknown, autoconfig.StatusWarning},
		{"accepted", "250 2.1.5 Ok", autoconfig.RelayAccepted, probe.CodeRelayWithoutLogin, autoconfig.StatusWarning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := server(autoconfig.SMTP, autoconfig.SecurityTLS, relayScript(t, tc.rcpt))
			res := run(t, 3*time.Second, srv)
			if res.Status != autoconfig.ProbeOK || res.Relay == nil || res.Relay.Outcome != tc.outcome {
				t.Fatalf("status %s, relay %+v; want ok, %s", res.Status, res.Relay, tc.outcome)
			}
			if !strings.HasPrefix(res.Relay.Reply, tc.rcpt[:3]) || !strings.Contains(res.Relay.Reply, tc.rcpt[4:]) {
				t.Errorf("reply %q, want %q", res.Relay.Reply, tc.rcpt)
			}
			if got := res.SubmissionReady(); got != (tc.outcome == autoconfig.RelayAccepted) {
				t.Errorf("SubmissionReady() = %v", got)
			}
			if ph := lastPhase(res); ph.Name != probe.PhaseRelay || ph.OK != (tc.outcome == autoconfig.RelayAccepted) || !strings.Contains(ph.Detail, tc.outcome) {
				t.Errorf("last phase %+v, want relay (%s)", ph, tc.outcome)
			}
			if want := []string{"EHLO", "MAIL", "RCPT", "RSET", "QUIT"}; !slices.Equal(sent(res.Transcript), want) {
				t.Errorf("sent %v, want %v", sent(res.Transcript), want)
			}
			f, ok := findingOf(res, tc.code)
			if !ok || !strings.Contains(f.Message, res.Relay.Reply) && tc.outcome != autoconfig.RelayAccepted {
				t.Errorf("findings %v, want %s quoting the reply", codes(res), tc.code)
			}
			if _, ok := findingOf(res, probe.CodeNoAuthMechanism); ok {
				t.Errorf("findings %v: the relay finding says it, not %s", codes(res), probe.CodeNoAuthMechanism)
			}

			d := diagnose(t, 3*time.Second, srv, &probe.DiagnoseOptions{Trusted: true})
			if d.Status != tc.status || d.Relay == nil || d.Relay.Outcome != tc.outcome {
				t.Errorf("diagnosis: status %s, relay %+v; want %s, %s", d.Status, d.Relay, tc.status, tc.outcome)
			}
			if !slices.ContainsFunc(d.Phases, func(ph autoconfig.Phase) bool { return ph.Name == probe.PhaseRelay }) ||
				!slices.Contains(sent(d.Transcript), "RCPT") || slices.Contains(sent(d.Transcript), "DATA") {
				t.Errorf("diagnosis: no relay phase, or transcript without RCPT or with DATA: %v", sent(d.Transcript))
			}
		})
	}
}

// TestRelayCheckServerHangsUp: a server that hangs up after MAIL FROM
// leaves the relay unknown; the server itself answered.
func TestRelayCheckServerHangsUp(t *testing.T) {
	t.Parallel()
	srv := server(autoconfig.SMTP, autoconfig.SecurityTLS, relayScript(t, ""))
	res := run(t, 3*time.Second, srv)
	if res.Status != autoconfig.ProbeOK || res.Relay == nil || res.Relay.Outcome != autoconfig.RelayUnknown || !strings.Contains(res.Relay.Reply, "closed") {
		t.Fatalf("status %s, relay %+v; want ok, unknown (closed)", res.Status, res.Relay)
	}
	if ph := lastPhase(res); ph.Name != probe.PhaseRelay || ph.OK {
		t.Errorf("last phase %+v, want failed relay", ph)
	}
	if _, ok := findingOf(res, probe.CodeRelayUnknown); !ok {
		t.Errorf("findings %v, want %s", codes(res), probe.CodeRelayUnknown)
	}
	if got := sent(res.Transcript); slices.Contains(got, "RCPT") || slices.Contains(got, "QUIT") {
		t.Errorf("sent %v after the server hung up", got)
	}
}

// TestRelayCheckMailFrom: the envelope sender is Options.MailFrom, the
// account's address.
func TestRelayCheckMailFrom(t *testing.T) {
	t.Parallel()
	port := probetest.StartScript(t, probetest.Step{TLS: goodCert()}, probetest.Step{Send: "220 smtp.example.test ESMTP"},
		probetest.Step{Expect: "EHLO", Send: "250 smtp.example.test"},
		probetest.Step{Expect: "MAIL FROM:<alice@example.test>", Send: "250 2.1.0 Ok"},
		probetest.Step{Expect: "RCPT TO:<postmaster@example.net>", Send: "554 5.7.1 <postmaster@example.net>: Relay access denied"},
		probetest.Step{Expect: "RSET", Send: "250 2.0.0 Ok"}).Port()
	p := probe.New(&probe.Options{Resolve: fakeResolve, RootCAs: testCA().Pool(), Timeout: 3 * time.Second, MailFrom: "alice@example.test"})
	res := p.Probe(context.Background(), server(autoconfig.SMTP, autoconfig.SecurityTLS, port))
	if res.Relay == nil || res.Relay.Outcome != autoconfig.RelayRefused {
		logResult(t, res)
		t.Fatalf("relay %+v, want refused (the script only answers MAIL FROM:<alice@example.test>)", res.Relay)
	}
}

// TestRelayCheckNotWithAuth: a server that offers AUTH is not asked to
// relay.
func TestRelayCheckNotWithAuth(t *testing.T) {
	t.Parallel()
	res := run(t, 3*time.Second, server(autoconfig.SMTP, autoconfig.SecurityTLS, startServer(t, autoconfig.SMTP, probetest.ImplicitTLS)))
	if res.Status != autoconfig.ProbeOK || res.Relay != nil || slices.Contains(sent(res.Transcript), "MAIL") {
		t.Errorf("status %s, relay %+v, sent %v; want ok and no relay check", res.Status, res.Relay, sent(res.Transcript))
	}
}

// TestDiagnoseLoginWithoutAuth: with --login, a server without AUTH gets
// no login attempt and no auth error: when its configuration says
// client-IP-address the missing AUTH is expected, and in any case the
// relay check says what it means.
func TestDiagnoseLoginWithoutAuth(t *testing.T) {
	t.Parallel()
	for _, auth := range [][]autoconfig.AuthMethod{{autoconfig.AuthClientIP}, {autoconfig.AuthNone}, nil} {
		t.Run(strings.Join(func() []string {
			var s []string
			for _, a := range auth {
				s = append(s, string(a))
			}
			return append(s, "configured")
		}(), " "), func(t *testing.T) {
			t.Parallel()
			srv := server(autoconfig.SMTP, autoconfig.SecurityTLS, relayScript(t, "250 2.1.5 Ok"))
			srv.Auth = auth
			d := diagnose(t, 3*time.Second, srv, &probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
			if d.Status != autoconfig.StatusWarning || d.Relay == nil || d.Relay.Outcome != autoconfig.RelayAccepted {
				t.Errorf("status %s, relay %+v; want warning, accepted", d.Status, d.Relay)
			}
			if d.Login == nil || d.Login.OK || d.Login.Skipped == "" {
				t.Errorf("login %+v, want skipped", d.Login)
			}
			for _, f := range d.Findings {
				if strings.HasPrefix(f.Code, "auth.") {
					t.Errorf("auth finding %s: %s", f.Code, f.Message)
				}
			}
			if slices.Contains(sent(d.Transcript), "AUTH") {
				t.Errorf("sent AUTH: %v", sent(d.Transcript))
			}
			f, _ := diagFinding(d, probe.CodeRelayWithoutLogin)
			if len(auth) > 0 && !strings.Contains(f.Message, string(auth[0])) {
				t.Errorf("finding %q does not name the configuration %s", f.Message, auth[0])
			}
		})
	}
}
