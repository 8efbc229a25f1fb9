package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// checkFormats are every format of postino check.
var checkFormats = []string{"text", "json", "junit", "nagios", "prometheus", "github"}

// TestCheckEndToEnd runs the built binary's check against real Dovecot
// and Postfix: a healthy account and a list of servers exit 0 in every
// format; with Postfix stopped, check exits 2 and names the outgoing path.
func TestCheckEndToEnd(t *testing.T) {
	w := startWorld(t)
	common := []string{"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", w.ispdb, "--timeout", "20s", "--probe-timeout", "5s"}
	list := filepath.Join(t.TempDir(), "targets")
	os.WriteFile(list, []byte("# the srv.test account, then its servers one by one\nalice@srv.test\nimaps://store.srv.test\nimap://store.srv.test\npop3s://store.srv.test\nsubmission://store.srv.test:587\nsmtps://store.srv.test\n"), 0o644)
	summary := filepath.Join(t.TempDir(), "summary.md")
	for _, f := range checkFormats {
		for _, targets := range [][]string{{"alice@srv.test"}, {"--from", list}} {
			args := append(append([]string{"check", "--format", f}, targets...), common...)
			out, stderr, status, _ := runPostinoWith(t, runOptions{hardKill: time.Minute, env: []string{"GITHUB_STEP_SUMMARY=" + summary}}, args...)
			if status != 0 {
				t.Errorf("postino %s: exit %d, want 0\n%s%s", strings.Join(args, " "), status, out, stderr)
			}
			if f == "json" && targets[0] == "--from" {
				var got struct {
					Summary struct{ Targets, OK int }
				}
				if err := json.Unmarshal([]byte(out), &got); err != nil || got.Summary.Targets != 6 || got.Summary.OK != 6 {
					t.Errorf("json summary %+v (%v)\n%s", got.Summary, err, out)
				}
			}
			if f == "nagios" && !strings.HasPrefix(out, "POSTINO OK - ") {
				t.Errorf("nagios: %s", out)
			}
		}
	}
	if b, _ := os.ReadFile(summary); !strings.Contains(string(b), "| alice@srv.test | OK |") {
		t.Errorf("GITHUB_STEP_SUMMARY:\n%s", b)
	}

	if err := w.mail.StopPostfix(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"text", "nagios"} {
		args := append([]string{"check", "alice@srv.test", "--format", f}, common...)
		out, stderr, status, _ := runPostino(t, time.Minute, args...)
		t.Logf("postino %s\n%s%s", strings.Join(args, " "), out, stderr)
		if status != 2 {
			t.Errorf("Postfix stopped, %s: exit %d, want 2", f, status)
		}
		if !strings.Contains(out, "outgoing broken") || strings.Contains(out, "incoming broken") {
			t.Errorf("Postfix stopped, %s: the output does not name the outgoing path alone", f)
		}
	}
}

// TestCheckCertExpiringEndToEnd: a certificate 10 days from expiry gives a
// warning with --cert-warn-days 14 (exit 0, or 1 with --fail-on warning
// and in nagios format), and fails with --cert-crit-days 11.
func TestCheckCertExpiringEndToEnd(t *testing.T) {
	w := startWorld(t)
	const soonIP = "127.0.1.3"
	dir := t.TempDir()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{NotBefore: time.Now().Add(-80 * 24 * time.Hour), NotAfter: time.Now().Add(10*24*time.Hour + time.Hour)}, "store.soon.test")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := leaf.WriteFiles(dir, "soon")
	if err != nil {
		t.Fatal(err)
	}
	probetest.StartMailServersT(t, probetest.MailServerOptions{
		Dir: filepath.Join(dir, "mail"), Addrs: []string{soonIP}, CertFile: certFile, KeyFile: keyFile,
		Users: []probetest.MailUser{{Address: "alice@soon.test", Password: "wonderland-soon.test"}}, Hostname: "store.soon.test",
	})
	w.dns.Set("store.soon.test", resolvertest.Records{A: []string{soonIP}})
	w.dns.Set("_imaps._tcp.soon.test", resolvertest.Records{SRV: []resolvertest.SRV{{Target: "store.soon.test", Port: 993}}})
	w.dns.Set("_submissions._tcp.soon.test", resolvertest.Records{SRV: []resolvertest.SRV{{Target: "store.soon.test", Port: 465}}})
	// Trust both the world's CA and this one.
	caFile, err := ca.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "bundle.pem")
	a, _ := os.ReadFile(w.caFile)
	b, _ := os.ReadFile(caFile)
	os.WriteFile(bundle, append(a, b...), 0o644)

	common := []string{"check", "alice@soon.test", "--cert-warn-days", "14", "--resolver", w.dns.Addr(), "--ca-file", bundle,
		"--ispdb-url", w.ispdb, "--timeout", "20s", "--probe-timeout", "5s"}
	for _, tc := range []struct {
		extra []string
		want  int
		out   string
	}{
		{nil, 0, "WARNING  alice@soon.test"},
		{[]string{"--fail-on", "warning"}, 1, "tls.cert-expiring"},
		{[]string{"--format", "nagios"}, 1, "POSTINO WARNING - alice@soon.test"},
		{[]string{"--format", "prometheus"}, 0, `postino_finding{path="incoming",code="tls.cert-expiring",severity="warning"} 1`},
		{[]string{"--cert-crit-days", "11"}, 2, "CRITICAL alice@soon.test"},
	} {
		out, stderr, status, _ := runPostino(t, time.Minute, append(common, tc.extra...)...)
		if status != tc.want || !strings.Contains(out, tc.out) {
			t.Errorf("%v: exit %d (want %d), output without %q:\n%s%s", tc.extra, status, tc.want, tc.out, out, stderr)
		}
	}
}

// TestCheckJUnitEndToEnd validates a real run's JUnit against the schema.
func TestCheckJUnitEndToEnd(t *testing.T) {
	w := startWorld(t)
	out, _, status, _ := runPostino(t, time.Minute, "check", "alice@srv.test", "alice@ac.test", "--format", "junit",
		"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", w.ispdb, "--timeout", "20s", "--probe-timeout", "5s")
	if status != 0 {
		t.Errorf("exit %d", status)
	}
	f := filepath.Join(t.TempDir(), "junit.xml")
	os.WriteFile(f, []byte(out), 0o644)
	if msg, err := exec.Command("xmllint", "--noout", "--schema", "commands/testdata/junit/JUnit.xsd", f).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s\n%s", err, msg, out)
	}
}
