package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe/probetest"
)

const cmdPassword = "correct-horse-battery-staple"

// testServers starts an in-process IMAP and SMTP server with implicit TLS,
// certificates for 127.0.0.1 from a test CA, and alice; it returns the
// ports and the CA file.
func testServers(t *testing.T) (imapPort, smtpPort int, caFile string, smtp *probetest.SMTPServer) {
	t.Helper()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile, err = ca.WriteFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{"alice@example.test": cmdPassword}
	imapPort = probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig(), Users: users}).Port()
	smtp = probetest.StartSMTP(t, probetest.SMTPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig(), Users: users, Domain: "127.0.0.1"})
	return imapPort, smtp.Port(), caFile, smtp
}

func runIn(stdin string, env map[string]string, args ...string) (stdout, stderr string, status int) {
	for k, v := range env {
		os.Setenv(k, v)
		defer os.Unsetenv(k)
	}
	var o, e bytes.Buffer
	status = Run(context.Background(), append([]string{"postino"}, args...), strings.NewReader(stdin), &o, &e, BuildInfo{Version: "1.2.3", Providers: []byte(emptyProviders)})
	return o.String(), e.String(), status
}

// testReportJSON is what these tests read of `postino test --format json`.
type testReportJSON struct {
	Schema, Command string
	Incoming        struct {
		Status  string
		Servers []struct {
			Status string
			Login  *struct{ OK bool }
			Sent   *struct{ Accepted bool }
		}
	}
	Outgoing struct {
		Status  string
		Servers []struct {
			Status string
			Login  *struct{ OK bool }
			Sent   *struct{ Accepted bool }
		}
	}
	Findings []struct{ Code string }
}

func (r testReportJSON) has(code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestTestCommand runs `postino test` against in-process servers named on
// the command line: login and send work, the password comes from standard
// input and appears in no output format.
func TestTestCommand(t *testing.T) {
	imapPort, smtpPort, caFile, smtp := testServers(t)
	args := []string{"test", "alice@example.test", "--imap", "127.0.0.1:" + strconv.Itoa(imapPort), "--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
		"--security", "tls", "--ca-file", caFile, "--send", "--password-stdin", "-v", "--timeout", "10s", "--probe-timeout", "3s"}

	text, stderr, status := runIn(cmdPassword+"\n", nil, args...)
	t.Logf("text:\n%s%s", text, stderr)
	if status != 0 {
		t.Errorf("text run: exit status %d, want 0", status)
	}
	for _, want := range []string{"INCOMING  ✔ works", "OUTGOING  ✔ works", "auth", "send", "~> AUTH PLAIN [redacted]"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	out, stderr2, status := runIn(cmdPassword+"\n", nil, append(args, "--format", "json")...)
	if status != 0 {
		t.Errorf("json run: exit status %d, want 0; %s", status, stderr2)
	}
	var rep testReportJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Schema != SchemaV1 || rep.Command != "test" || rep.Incoming.Status != "ok" || rep.Outgoing.Status != "ok" {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Outgoing.Servers) != 1 || rep.Outgoing.Servers[0].Sent == nil || !rep.Outgoing.Servers[0].Sent.Accepted {
		t.Errorf("outgoing %+v: the test message was not accepted", rep.Outgoing)
	}
	if msgs := smtp.Messages(); len(msgs) != 2 || !strings.Contains(string(msgs[0].Data), "Subject: postino test ") || msgs[0].To[0] != "alice@example.test" {
		t.Errorf("the server got %d messages: %+v", len(msgs), msgs)
	}
	for _, o := range []string{text, stderr, out, stderr2} {
		if strings.Contains(o, cmdPassword) {
			t.Errorf("the password appears in the output:\n%s", o)
		}
	}

	t.Run("wrong password from the environment", func(t *testing.T) {
		env := map[string]string{envPassword: "wrong-" + cmdPassword}
		out, stderr, status := runIn("", env, "test", "alice@example.test", "--imap", "127.0.0.1:"+strconv.Itoa(imapPort),
			"--ca-file", caFile, "--login", "--format", "json", "-v")
		if status != exitProblem {
			t.Errorf("exit status %d, want %d; %s", status, exitProblem, stderr)
		}
		var rep testReportJSON
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if !rep.has("auth.wrong-password") || rep.Incoming.Status != "broken" || rep.Outgoing.Status != string(statusSkipped) {
			t.Errorf("report %+v", rep)
		}
		if strings.Contains(out+stderr, cmdPassword) {
			t.Errorf("the password appears in the output")
		}
	})
}

// TestTestCommandUsage: mistakes on the command line exit 3 with a hint,
// and a password is never taken from a terminal that is not there.
func TestTestCommandUsage(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		words string
	}{
		{"bad security", []string{"test", "a@example.test", "--imap", "127.0.0.1", "--security", "ssl"}, "want tls, starttls or none"},
		{"security without server", []string{"test", "a@example.test", "--security", "tls"}, "--security applies"},
		{"bad port", []string{"test", "a@example.test", "--imap", "127.0.0.1:99999"}, "bad port"},
		{"no password source", []string{"test", "a@example.test", "--imap", "127.0.0.1:1", "--login"}, "--password-stdin"},
		{"login for a domain", []string{"test", "example.test", "--imap", "127.0.0.1:1", "--login"}, "needs an address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, status := runIn("", nil, tc.args...)
			if status != exitCannotRun || !strings.Contains(stderr, tc.words) {
				t.Errorf("exit %d, stderr %q; want 3 and %q", status, stderr, tc.words)
			}
		})
	}
}

func TestParseServer(t *testing.T) {
	cases := []struct {
		proto autoconfig.Protocol
		in    string
		sec   autoconfig.Security
		want  string
	}{
		{autoconfig.IMAP, "mail.example.com", "", "imap mail.example.com:993 (tls)"},
		{autoconfig.IMAP, "mail.example.com:143", "", "imap mail.example.com:143 (starttls)"},
		{autoconfig.SMTP, "mail.example.com:587", "", "smtp mail.example.com:587 (starttls)"},
		{autoconfig.SMTP, "mail.example.com", autoconfig.SecurityStartTLS, "smtp mail.example.com:587 (starttls)"},
		{autoconfig.POP3, "[::1]:995", "", "pop3 [::1]:995 (tls)"},
		{autoconfig.POP3, "mail.example.com.", autoconfig.SecurityNone, "pop3 mail.example.com:110 (none)"},
	}
	for _, c := range cases {
		s, err := parseServer(c.proto, c.in, c.sec)
		if err != nil || s.String() != c.want {
			t.Errorf("parseServer(%s, %q, %q) = %s, %v; want %s", c.proto, c.in, c.sec, s, err, c.want)
		}
	}
}

// TestExplain: a known code prints its entry; an unknown one exits 3
// with close matches.
func TestExplain(t *testing.T) {
	out, _, status := runIn("", nil, "explain", "tls.cert-expired")
	if status != 0 || !strings.Contains(out, "tls.cert-expired (error)") || !strings.Contains(out, "Fix:") {
		t.Errorf("exit %d:\n%s", status, out)
	}
	_, stderr, status := runIn("", nil, "explain", "tls.cert-expird")
	if status != exitCannotRun || !strings.Contains(stderr, "did you mean tls.cert-expired") {
		t.Errorf("exit %d, stderr %q", status, stderr)
	}
	out, _, status = runIn("", nil, "explain", "auth.app-password-required", "--format", "json")
	var e explainJSON
	if status != 0 || json.Unmarshal([]byte(out), &e) != nil || e.Code != "auth.app-password-required" || e.Fix == "" {
		t.Errorf("exit %d, %+v", status, e)
	}
	out, _, _ = runIn("", nil, "explain")
	if n := strings.Count(out, "\n"); n < 40 {
		t.Errorf("explain lists %d codes", n)
	}
}
