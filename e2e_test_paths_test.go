package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// testJSON is the part of `postino test --format json` these tests read.
type testJSON struct {
	Schema   string     `json:"schema"`
	Command  string     `json:"command"`
	Incoming testSideJS `json:"incoming"`
	Outgoing testSideJS `json:"outgoing"`
	Findings []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Side     string `json:"side"`
		Message  string `json:"message"`
		Hint     string `json:"hint"`
	} `json:"findings"`
}

type testSideJS struct {
	Status  string `json:"status"`
	Servers []struct {
		Server struct {
			Protocol string `json:"protocol"`
			Host     string `json:"host"`
			Port     int    `json:"port"`
			Security string `json:"security"`
		} `json:"server"`
		Status string `json:"status"`
		Phases []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"phases"`
		Login *struct {
			OK        bool   `json:"ok"`
			Mechanism string `json:"mechanism"`
		} `json:"login"`
		Sent *struct {
			Accepted bool `json:"accepted"`
		} `json:"sent"`
		Transcript []struct {
			Dir, Text string
		} `json:"transcript"`
	} `json:"servers"`
}

func (r *testJSON) codes() []string {
	var c []string
	for _, f := range r.Findings {
		c = append(c, f.Code)
	}
	return c
}

func (r *testJSON) finding(code string) (hint string, ok bool) {
	for _, f := range r.Findings {
		if f.Code == code {
			return f.Hint, true
		}
	}
	return "", false
}

func (s testSideJS) phase(name string) (ok bool, detail string, found bool) {
	for _, srv := range s.Servers {
		for _, p := range srv.Phases {
			if p.Name == name {
				return p.OK, p.Detail, true
			}
		}
	}
	return false, "", false
}

// testRun runs `postino test` in the world with a password on standard
// input, in text and in JSON, and returns the JSON report, the exit status
// and everything printed (for the password check).
func testRun(t *testing.T, w *world, password string, args ...string) (*testJSON, int, string) {
	t.Helper()
	base := append([]string{"test"}, args...)
	base = append(base, "--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", w.ispdb,
		"--timeout", "40s", "--probe-timeout", "5s", "--roundtrip-wait", "15s")
	o := runOptions{hardKill: 90 * time.Second}
	if password != "" {
		base = append(base, "--password-stdin")
		o.stdin = password + "\n"
	}
	text, stderr, status, elapsed := runPostinoWith(t, o, append(base, "-v")...)
	t.Logf("postino %s -v  (exit %d, %v)\n%s%s", strings.Join(base, " "), status, elapsed.Round(time.Millisecond), text, stderr)
	out, stderr2, status2, _ := runPostinoWith(t, o, append(base, "--format", "json", "-v")...)
	if status2 != status {
		t.Errorf("json run: exit status %d, text run %d", status2, status)
	}
	var got testJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s\n%s", err, out, stderr2)
	}
	if got.Schema != "postino/v1" || got.Command != "test" {
		t.Errorf("schema %q, command %q", got.Schema, got.Command)
	}
	return &got, status, text + stderr + out + stderr2
}

// TestEndToEndTest runs `postino test` against real Dovecot and Postfix: a
// good account logs in, sends and sees its message arrive; a wrong
// password is named as one; an expired certificate is found with the
// reload hint; with Postfix stopped, OUTGOING is broken and INCOMING fine.
// The password never appears in any output.
func TestEndToEndTest(t *testing.T) {
	w := startWorld(t, withExpiredMail())
	const good = "wonderland-srv.test"

	t.Run("good account: login, send, round trip", func(t *testing.T) {
		got, status, all := testRun(t, w, good, "alice@srv.test", "--roundtrip")
		if status != 0 {
			t.Errorf("exit status %d, want 0; findings %v", status, got.codes())
		}
		if got.Incoming.Status != "ok" || got.Outgoing.Status != "ok" {
			t.Errorf("incoming %s, outgoing %s; want ok, ok", got.Incoming.Status, got.Outgoing.Status)
		}
		for name, side := range map[string]testSideJS{"incoming": got.Incoming, "outgoing": got.Outgoing} {
			if len(side.Servers) == 0 || side.Servers[0].Login == nil || !side.Servers[0].Login.OK {
				t.Errorf("%s: no successful login", name)
			}
		}
		if ok, detail, found := got.Outgoing.phase("send"); !found || !ok {
			t.Errorf("send phase ok=%v found=%v: %s", ok, found, detail)
		}
		if ok, detail, found := got.Outgoing.phase("roundtrip"); !found || !ok || !strings.Contains(detail, "deleted") {
			t.Errorf("roundtrip phase ok=%v found=%v: %s", ok, found, detail)
		}
		noSecret(t, all, good)
	})

	t.Run("POP3 and STARTTLS submission: round trip", func(t *testing.T) {
		got, status, all := testRun(t, w, good, "alice@srv.test", "--pop3", "store.srv.test", "--smtp", "store.srv.test:587", "--roundtrip")
		if status != 0 {
			t.Errorf("exit status %d, want 0; findings %v", status, got.codes())
		}
		if ok, detail, found := got.Outgoing.phase("roundtrip"); !found || !ok || !strings.Contains(detail, "store.srv.test:995") {
			t.Errorf("roundtrip phase ok=%v found=%v: %s", ok, found, detail)
		}
		noSecret(t, all, good)
	})

	t.Run("wrong password", func(t *testing.T) {
		const wrong = "not-the-password-4711"
		got, status, all := testRun(t, w, wrong, "alice@srv.test", "--login")
		if status != 2 {
			t.Errorf("exit status %d, want 2", status)
		}
		if _, ok := got.finding("auth.wrong-password"); !ok {
			t.Errorf("findings %v, want auth.wrong-password", got.codes())
		}
		noSecret(t, all, wrong)
	})

	t.Run("expired certificate", func(t *testing.T) {
		got, status, _ := testRun(t, w, "", "alice@expired.test", "--imap", "store.expired.test", "--smtp", "store.expired.test:587")
		if status != 2 {
			t.Errorf("exit status %d, want 2", status)
		}
		hint, ok := got.finding("tls.cert-expired")
		if !ok || !strings.Contains(hint, "reload") {
			t.Errorf("findings %v; tls.cert-expired hint %q, want one that says to reload the server", got.codes(), hint)
		}
		if _, ok := got.finding("tls.cert-untrusted"); ok {
			t.Errorf("findings %v: an expired certificate from a good authority is not untrusted", got.codes())
		}
		if got.Incoming.Status != "broken" || got.Outgoing.Status != "broken" {
			t.Errorf("incoming %s, outgoing %s; want both broken", got.Incoming.Status, got.Outgoing.Status)
		}
	})

	t.Run("plaintext login refused", func(t *testing.T) {
		got, status, all := testRun(t, w, good, "alice@srv.test", "--imap", "store.srv.test:143", "--security", "none", "--login")
		if status != 2 {
			t.Errorf("exit status %d, want 2", status)
		}
		if _, ok := got.finding("auth.plaintext-refused"); !ok {
			t.Errorf("findings %v, want auth.plaintext-refused", got.codes())
		}
		if ok, _, found := got.Incoming.phase("auth"); found || ok {
			t.Errorf("an auth phase ran over plain text")
		}
		noSecret(t, all, good)
	})

	// Last: it stops Postfix for good.
	t.Run("submission closed", func(t *testing.T) {
		if err := w.mail.StopPostfix(); err != nil {
			t.Fatal(err)
		}
		got, status, _ := testRun(t, w, "", "alice@srv.test")
		if status != 2 {
			t.Errorf("exit status %d, want 2", status)
		}
		if got.Incoming.Status != "ok" || got.Outgoing.Status != "broken" {
			t.Errorf("incoming %s, outgoing %s; want ok, broken", got.Incoming.Status, got.Outgoing.Status)
		}
		if _, ok := got.finding("net.connect-refused"); !ok {
			t.Errorf("findings %v, want net.connect-refused", got.codes())
		}
	})
}

func noSecret(t *testing.T, output, secret string) {
	t.Helper()
	if strings.Contains(output, secret) {
		t.Errorf("the password %q appears in the output", secret)
	}
}
