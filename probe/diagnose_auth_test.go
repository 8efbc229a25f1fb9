package probe_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// loginScript is a scripted server (implicit TLS) that takes the
// pre-authentication conversation, then answers the login with reply.
func loginScript(t *testing.T, p autoconfig.Protocol, reply string) int {
	t.Helper()
	tlsStep := probetest.Step{TLS: goodCert()}
	var steps []probetest.Step
	switch p {
	case autoconfig.IMAP:
		steps = []probetest.Step{tlsStep,
			{Send: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2] ready"},
			{Expect: "T1 CAPABILITY", Send: "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2\n{tag} OK done"},
			{Expect: "T2 AUTHENTICATE", Send: reply},
			{Expect: "T3 LOGOUT", Send: "* BYE bye\n{tag} OK done"}}
	case autoconfig.SMTP:
		ehlo := "250-smtp.example.test\n250 AUTH PLAIN LOGIN XOAUTH2"
		steps = []probetest.Step{tlsStep, {Send: "220 smtp.example.test ESMTP"},
			{Expect: "EHLO", Send: ehlo}, {Expect: "EHLO", Send: ehlo}, {Expect: "AUTH", Send: reply},
			{Expect: "*", Send: "501 5.7.0 aborted"}, {Expect: "QUIT", Send: "221 bye", Close: true}}
	case autoconfig.POP3:
		steps = []probetest.Step{tlsStep, {Send: "+OK ready"},
			{Expect: "CAPA", Send: "+OK\nUSER\nSASL PLAIN\n."},
			{Expect: "USER", Send: "+OK"}, {Expect: "PASS", Send: reply},
			{Expect: "QUIT", Send: "+OK bye", Close: true}}
	}
	return probetest.StartScript(t, steps...).Port()
}

// TestDiagnoseProviderReplies: the refusals of Gmail, Microsoft 365 and
// standard servers become the cause a person can act on.
func TestDiagnoseProviderReplies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		proto autoconfig.Protocol
		reply string
		want  string
	}{
		{"gmail imap app password", autoconfig.IMAP, "{tag} NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", probe.CodeAuthAppPassword},
		{"gmail smtp app password", autoconfig.SMTP, "534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor", probe.CodeAuthAppPassword},
		{"microsoft smtp auth disabled", autoconfig.SMTP, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", probe.CodeAuthOAuth2Required},
		{"microsoft basic auth retired", autoconfig.SMTP, "550 5.7.30 Basic authentication is not supported for Client Submission.", probe.CodeAuthOAuth2Required},
		{"gmail imap disabled", autoconfig.IMAP, "{tag} NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access.", probe.CodeAuthProtocolDisabled},
		{"gmail pop disabled", autoconfig.POP3, "-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access.", probe.CodeAuthProtocolDisabled},
		{"imap unavailable", autoconfig.IMAP, "{tag} NO [UNAVAILABLE] Authentication service temporarily unavailable", probe.CodeAuthTemporary},
		{"smtp 454", autoconfig.SMTP, "454 4.7.0 Temporary authentication failure", probe.CodeAuthTemporary},
		{"pop3 in use", autoconfig.POP3, "-ERR [IN-USE] Mailbox locked by another session", probe.CodeAuthTemporary},
		{"gmail imap wrong password", autoconfig.IMAP, "{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", probe.CodeAuthWrongPassword},
		{"gmail smtp wrong password", autoconfig.SMTP, "535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials", probe.CodeAuthWrongPassword},
		{"postfix wrong password", autoconfig.SMTP, "535 5.7.8 Error: authentication failed: (reason unavailable)", probe.CodeAuthWrongPassword},
		{"pop3 wrong password", autoconfig.POP3, "-ERR [AUTH] Authentication failed.", probe.CodeAuthWrongPassword},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := loginScript(t, tc.proto, tc.reply)
			d := diagnose(t, 3*time.Second, server(tc.proto, autoconfig.SecurityTLS, port), &probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
			if _, ok := diagFinding(d, tc.want); !ok || d.Status != autoconfig.StatusBroken {
				t.Errorf("status %s, findings %v; want broken with %s", d.Status, diagCodes(d), tc.want)
			}
			assertNoSecret(t, d, testPassword)
		})
	}
}

// TestDiagnoseOAuth2: a token goes out with XOAUTH2, redacted.
func TestDiagnoseOAuth2(t *testing.T) {
	t.Parallel()
	const token = "ya29.a0-secret-token"
	port := loginScript(t, autoconfig.IMAP, "{tag} OK Logged in")
	d := diagnose(t, 3*time.Second, server(autoconfig.IMAP, autoconfig.SecurityTLS, port),
		&probe.DiagnoseOptions{Trusted: true, Login: &probe.Credentials{Username: "alice@example.test", OAuth2Token: token}})
	if d.Login == nil || !d.Login.OK || d.Login.Mechanism != "XOAUTH2" {
		t.Errorf("login %+v, want ok with XOAUTH2", d.Login)
	}
	assertNoSecret(t, d, token)
}

// recordingSMTP is a minimal SMTP server without TLS that offers AUTH
// PLAIN and records every byte it receives.
type recordingSMTP struct {
	mu   sync.Mutex
	got  strings.Builder
	port int
}

func startRecordingSMTP(t *testing.T) *recordingSMTP {
	r := &recordingSMTP{}
	srv, err := probetest.ServeAddr("", func(c net.Conn) {
		c.Write([]byte("220 plain.example.test ESMTP\r\n"))
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			r.mu.Lock()
			r.got.WriteString(line)
			r.mu.Unlock()
			if err != nil {
				return
			}
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
			case "EHLO":
				c.Write([]byte("250-plain.example.test\r\n250 AUTH PLAIN\r\n"))
			case "AUTH":
				c.Write([]byte("235 2.7.0 ok\r\n"))
			case "QUIT":
				c.Write([]byte("221 bye\r\n"))
				return
			default:
				c.Write([]byte("250 ok\r\n"))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r.port = srv.Port()
	return r
}

func (r *recordingSMTP) received() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got.String()
}

// TestPasswordNeverInPlainText: no credentials go over a connection
// without TLS, nor to an untrusted server, unless the flags say so; and
// the report names the flag.
func TestPasswordNeverInPlainText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		o          probe.DiagnoseOptions
		sent       bool
		wantCode   string
		wantInHint string
	}{
		{"plain text", probe.DiagnoseOptions{Trusted: true}, false, probe.CodeAuthPlaintext, "--allow-plaintext-auth"},
		{"untrusted", probe.DiagnoseOptions{AllowPlaintextAuth: true}, false, probe.CodeAuthUntrusted, "--trust-untrusted"},
		{"both allowed", probe.DiagnoseOptions{Trusted: true, AllowPlaintextAuth: true}, true, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := startRecordingSMTP(t)
			o := tc.o
			o.Login = creds(testPassword)
			d := diagnose(t, 3*time.Second, server(autoconfig.SMTP, autoconfig.SecurityNone, rec.port), &o)
			got := rec.received()
			sent := strings.Contains(got, b64("\x00alice@example.test\x00"+testPassword))
			if sent != tc.sent {
				t.Errorf("credentials sent: %v, want %v; the server received:\n%s", sent, tc.sent, got)
			}
			if tc.wantCode != "" {
				f, ok := diagFinding(d, tc.wantCode)
				if !ok || !strings.Contains(f.Hint, tc.wantInHint) {
					t.Errorf("findings %v; %s hint %q, want it to name %s", diagCodes(d), tc.wantCode, f.Hint, tc.wantInHint)
				}
				if strings.Contains(strings.ToUpper(got), "AUTH ") {
					t.Errorf("an AUTH command reached the server:\n%s", got)
				}
			} else if d.Login == nil || !d.Login.OK {
				t.Errorf("login %+v, want ok", d.Login)
			}
			assertNoSecret(t, d, testPassword)
		})
	}
}

// TestDiagnoseIPv6Unreachable: with an AAAA record whose address does not
// answer while IPv4 works, the finding says so. ::1 is the only IPv6
// address certain to exist; the test needs it.
func TestDiagnoseIPv6Unreachable(t *testing.T) {
	t.Parallel()
	ln6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here (::1): %v", err)
	}
	ln6.Close()
	port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: goodCert()}).Port()
	p := probe.New(&probe.Options{
		Resolve: func(_ context.Context, _ string) ([]net.IP, error) {
			return []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, nil
		},
		RootCAs: testCA().Pool(), Timeout: 2 * time.Second,
	})
	d := p.Diagnose(t.Context(), server(autoconfig.IMAP, autoconfig.SecurityTLS, port), nil)
	t.Cleanup(func() {
		if t.Failed() {
			logDiagnosis(t, d)
		}
	})
	f, ok := diagFinding(d, probe.CodeIPv6Unreachable)
	if !ok || d.Status != autoconfig.StatusWarning || !strings.Contains(f.Message, "::1") {
		t.Errorf("status %s, findings %v; want warning with %s naming ::1", d.Status, diagCodes(d), probe.CodeIPv6Unreachable)
	}
	if len(d.Addresses) != 2 || !d.Addresses[0].OK || d.Addresses[1].OK || d.Addresses[1].Family != "ipv6" {
		t.Errorf("addresses %+v, want 127.0.0.1 ok and ::1 failed", d.Addresses)
	}
}

// TestRoundtripPOP3: the round trip finds the message by Message-ID over
// POP3, polling until it arrives, and deletes it.
func TestRoundtripPOP3(t *testing.T) {
	t.Parallel()
	pop := probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.ImplicitTLS, TLSConfig: goodCert(),
		Users: map[string]string{"alice@example.test": testPassword}, Messages: []string{"Subject: old\r\n\r\nold\r\n"}})
	msg := probe.NewMessage("alice@example.test", time.Now())
	out := &probe.Diagnosis{Server: server(autoconfig.SMTP, autoconfig.SecurityTLS, 465),
		Addresses: []probe.AddressResult{{OK: true}}, Sent: &probe.SendResult{MessageID: msg.ID, Accepted: true, At: time.Now()}}
	go func() {
		time.Sleep(300 * time.Millisecond)
		pop.Deliver(strings.ReplaceAll(string(msg.Bytes()), "\r\n", "\n"))
	}()
	newProber(3*time.Second).Roundtrip(t.Context(), out, server(autoconfig.POP3, autoconfig.SecurityTLS, pop.Port()),
		&probe.RoundtripOptions{Login: creds(testPassword), Trusted: true, Wait: 5 * time.Second})
	t.Cleanup(func() {
		if t.Failed() {
			logDiagnosis(t, out)
		}
	})
	ph := out.Phases[len(out.Phases)-1]
	if ph.Name != autoconfig.PhaseRoundtrip || !ph.OK || !strings.Contains(ph.Detail, "deleted") || out.Status != autoconfig.StatusOK {
		t.Errorf("status %s, phase %+v", out.Status, ph)
	}
	if msgs := pop.Messages(); len(msgs) != 1 || strings.Contains(msgs[0], msg.ID) {
		t.Errorf("mailbox after the round trip: %q", msgs)
	}
	assertNoSecret(t, out, testPassword)
}

// sendScript is a scripted submission server (implicit TLS) that accepts
// the login and answers RCPT TO with rcpt.
func sendScript(t *testing.T, rcpt string) int {
	t.Helper()
	ehlo := "250-smtp.example.test\n250 AUTH PLAIN"
	return probetest.StartScript(t, probetest.Step{TLS: goodCert()}, probetest.Step{Send: "220 smtp.example.test ESMTP"},
		probetest.Step{Expect: "EHLO", Send: ehlo}, probetest.Step{Expect: "EHLO", Send: ehlo},
		probetest.Step{Expect: "AUTH PLAIN", Send: "235 2.7.0 ok"},
		probetest.Step{Expect: "MAIL FROM:<alice@example.test>", Send: "250 2.1.0 ok"},
		probetest.Step{Expect: "RCPT TO:<alice@example.test>", Send: rcpt},
		probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true}).Port()
}

// TestDiagnoseSend: a 4xx at RCPT is greylisting (a warning), a 5xx a
// refusal (an error).
func TestDiagnoseSend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		rcpt   string
		status autoconfig.Status
		code   string
	}{
		{"greylisted", "450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/", autoconfig.StatusWarning, probe.CodeSendDeferred},
		{"rejected", "550 5.7.1 <alice@example.test>: Relay access denied", autoconfig.StatusBroken, probe.CodeSendRejected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := sendScript(t, tc.rcpt)
			msg := probe.NewMessage("alice@example.test", time.Now())
			d := diagnose(t, 3*time.Second, server(autoconfig.SMTP, autoconfig.SecurityTLS, port),
				&probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword), Send: msg})
			if _, ok := diagFinding(d, tc.code); !ok || d.Status != tc.status {
				t.Errorf("status %s, findings %v; want %s with %s", d.Status, diagCodes(d), tc.status, tc.code)
			}
			if d.Sent == nil || d.Sent.Accepted || d.Sent.Deferred != (tc.code == probe.CodeSendDeferred) {
				t.Errorf("sent %+v", d.Sent)
			}
		})
	}
}

// TestDiagnoseOAuthBearer: a token goes out with OAUTHBEARER (RFC 7628)
// when the server offers it, redacted.
func TestDiagnoseOAuthBearer(t *testing.T) {
	t.Parallel()
	const token = "eyJhbGciOi-secret-bearer"
	ehlo := "250-smtp.example.test\n250 AUTH OAUTHBEARER XOAUTH2"
	port := probetest.StartScript(t, probetest.Step{TLS: goodCert()}, probetest.Step{Send: "220 smtp.example.test ESMTP"},
		probetest.Step{Expect: "EHLO", Send: ehlo}, probetest.Step{Expect: "EHLO", Send: ehlo},
		probetest.Step{Expect: "AUTH OAUTHBEARER ", Send: "235 2.7.0 ok"},
		probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true}).Port()
	d := diagnose(t, 3*time.Second, server(autoconfig.SMTP, autoconfig.SecurityTLS, port),
		&probe.DiagnoseOptions{Trusted: true, Login: &probe.Credentials{Username: "alice@example.test", OAuth2Token: token}})
	if d.Login == nil || !d.Login.OK || d.Login.Mechanism != "OAUTHBEARER" {
		t.Errorf("login %+v, want ok with OAUTHBEARER", d.Login)
	}
	assertNoSecret(t, d, token)
}
