package probe_test

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

const testPassword = "s3cret-Pässword"

// diagnose runs Diagnose with the test prober and logs the diagnosis when
// the test fails.
func diagnose(t *testing.T, timeout time.Duration, srv autoconfig.Server, o *probe.DiagnoseOptions) *probe.Diagnosis {
	t.Helper()
	d := newProber(timeout).Diagnose(context.Background(), srv, o)
	if d == nil {
		t.Fatal("Diagnose returned nil")
	}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("POSTINO_TEST_LOG") != "" {
			logDiagnosis(t, d)
		}
	})
	return d
}

func logDiagnosis(t *testing.T, d *probe.Diagnosis) {
	t.Logf("%s: status %s in %v", d.Server, d.Status, time.Duration(d.Duration))
	for _, ph := range d.Phases {
		t.Logf("  phase %-12s ok=%-5v %-20s %s", ph.Name, ph.OK, ph.Address, ph.Detail)
	}
	for _, l := range d.Transcript {
		t.Logf("  %s tls=%v %s", l.Dir, l.TLS, l.Text)
	}
	for _, f := range d.Findings {
		t.Logf("  finding %s (%s): %s; hint: %s", f.Code, f.Severity, f.Message, f.Hint)
	}
}

func diagCodes(d *probe.Diagnosis) []string {
	return findingCodes(d.Findings)
}

func diagFinding(d *probe.Diagnosis, code string) (autoconfig.Finding, bool) {
	return findingIn(d.Findings, code)
}

func creds(pass string) *probe.Credentials {
	return &probe.Credentials{Username: "alice@example.test", Password: pass}
}

// TestDiagnoseLogin logs in to every protocol in every TLS mode through
// the libraries, on the connection postino's own conversation prepared.
func TestDiagnoseLogin(t *testing.T) {
	t.Parallel()
	for _, p := range []autoconfig.Protocol{autoconfig.IMAP, autoconfig.POP3, autoconfig.SMTP} {
		for _, mode := range []probetest.TLSMode{probetest.ImplicitTLS, probetest.StartTLS} {
			t.Run(string(p)+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				sec := autoconfig.Security(mode.String())
				port := startServerPass(t, p, mode, testPassword)
				d := diagnose(t, 5*time.Second, server(p, sec, port), &probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
				if d.Status != autoconfig.StatusOK || d.Login == nil || !d.Login.OK {
					t.Fatalf("status %s, login %+v; want ok", d.Status, d.Login)
				}
				if d.TLS == nil || len(d.Addresses) != 1 || !d.Addresses[0].OK {
					t.Errorf("TLS %v, addresses %+v", d.TLS, d.Addresses)
				}
				assertNoSecret(t, d, testPassword)
				sawAuth := false
				for _, l := range d.Transcript {
					if strings.Contains(l.Text, probe.Redacted) {
						sawAuth = true
						if !l.TLS {
							t.Errorf("credentials line outside TLS: %+v", l)
						}
					}
				}
				if !sawAuth {
					t.Errorf("no redacted credentials line in the transcript")
				}
			})
		}
	}
}

// TestDiagnoseWrongPassword: the refusal of each protocol is classified
// as a wrong password.
func TestDiagnoseWrongPassword(t *testing.T) {
	t.Parallel()
	for _, p := range []autoconfig.Protocol{autoconfig.IMAP, autoconfig.POP3, autoconfig.SMTP} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			port := startServerPass(t, p, probetest.ImplicitTLS, "right")
			d := diagnose(t, 5*time.Second, server(p, autoconfig.SecurityTLS, port), &probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
			if d.Status != autoconfig.StatusBroken || d.Login == nil || d.Login.OK {
				t.Errorf("status %s, login %+v; want broken", d.Status, d.Login)
			}
			if _, ok := diagFinding(d, probe.CodeAuthWrongPassword); !ok {
				t.Errorf("findings %v, want %s", diagCodes(d), probe.CodeAuthWrongPassword)
			}
			assertNoSecret(t, d, testPassword)
		})
	}
}

// assertNoSecret fails when the secret appears anywhere in d.
func assertNoSecret(t *testing.T, d *probe.Diagnosis, secret string) {
	t.Helper()
	for _, s := range diagnosisTexts(d) {
		if strings.Contains(s, secret) || strings.Contains(s, b64(secret)) {
			t.Errorf("secret in %q", s)
		}
	}
}

func diagnosisTexts(d *probe.Diagnosis) []string {
	out := []string{d.Greeting}
	for _, ph := range d.Phases {
		out = append(out, ph.Detail)
	}
	for _, f := range d.Findings {
		out = append(out, f.Message, f.Hint)
	}
	for _, l := range d.Transcript {
		out = append(out, l.Text)
	}
	for _, a := range d.Addresses {
		out = append(out, a.Error)
	}
	return out
}

// startServerPass starts an in-process server with alice and password.
func startServerPass(t *testing.T, p autoconfig.Protocol, mode probetest.TLSMode, pass string) int {
	t.Helper()
	users := map[string]string{"alice@example.test": pass}
	switch p {
	case autoconfig.IMAP:
		return probetest.StartIMAP(t, probetest.IMAPOptions{TLS: mode, TLSConfig: goodCert(), Users: users}).Port()
	case autoconfig.POP3:
		return probetest.StartPOP3(t, probetest.POP3Options{TLS: mode, TLSConfig: goodCert(), Users: users}).Port()
	}
	return probetest.StartSMTP(t, probetest.SMTPOptions{TLS: mode, TLSConfig: goodCert(), Users: users, Domain: testHost}).Port()
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
