package probe_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// hostileTimeout is the probe timeout of the hostile-server suite: short,
// so that the rows that can only end at the deadline keep the suite fast.
const hostileTimeout = 800 * time.Millisecond

// startDrip sends text one byte a second: a server that never quite
// stops talking and never finishes a line in time.
func startDrip(t *testing.T, text string) int {
	t.Helper()
	return tbConnServer(t, func(c net.Conn) {
		go io.Copy(io.Discard, c)
		for i := range len(text) {
			if _, err := c.Write([]byte{text[i]}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	})
}

func tbConnServer(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	s, err := probetest.ServeAddr("", handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Port()
}

// TestHostileServers: whatever a server does, a probe ends with a clear
// failure (the kind and words of the error), within its deadline (three
// times the timeout, as room for a loaded machine), without panicking
// and without holding more than heapCap; and everything it reports is
// valid UTF-8. The floods after the login are TestLoginFloodBounded's.
// Not parallel: the heap is the process's.
func TestHostileServers(t *testing.T) {
	const (
		imap, pop3, smtp = autoconfig.IMAP, autoconfig.POP3, autoconfig.SMTP
		plain, starttls  = autoconfig.SecurityNone, autoconfig.SecurityStartTLS
	)
	script := func(steps ...probetest.Step) func(t *testing.T) int {
		return func(t *testing.T) int { return probetest.StartScript(t, steps...).Port() }
	}
	flood := func(prefix, repeat string) func(t *testing.T) int {
		return func(t *testing.T) int { return probetest.StartFlood(t, prefix, repeat).Port() }
	}
	const bad = "\x88\xff\xfe\xc0"
	rows := []struct {
		name  string
		proto autoconfig.Protocol
		sec   autoconfig.Security
		start func(t *testing.T) int
		kind  string // "" when the probe may succeed
		words string
	}{
		{"imap silent after accept", imap, plain, func(t *testing.T) int { return probetest.StartTarpit(t).Port() }, probe.KindTimeout, "said nothing"},
		{"smtp silent after accept", smtp, plain, func(t *testing.T) int { return probetest.StartTarpit(t).Port() }, probe.KindTimeout, "said nothing"},
		{"imap endless greeting line", imap, plain, flood("* OK ", "A"), probe.KindProtocol, "line too long"},
		{"pop3 endless greeting line", pop3, plain, flood("+OK ", "A"), probe.KindProtocol, "line too long"},
		{"smtp endless greeting line", smtp, plain, flood("220 ", "A"), probe.KindProtocol, "line too long"},
		{"smtp 100 MB multi-line greeting", smtp, plain, flood("220-hi\r\n", strings.Repeat("220-spam ", 11)+"\r\n"), probe.KindProtocol, "response too long"},
		{"imap 100 MB of untagged lines before the capability reply", imap, starttls, script(probetest.Step{Send: "* OK hi"}, probetest.Step{Expect: "a1 CAPABILITY", Flood: "* CAPABILITY IMAP4rev1\r\n"}), probe.KindProtocol, "response too long"},
		{"pop3 endless CAPA list", pop3, starttls, script(probetest.Step{Send: "+OK hi"}, probetest.Step{Expect: "CAPA", Send: "+OK", Flood: "STLS\r\n"}), probe.KindProtocol, "response too long"},
		{"smtp endless EHLO lines", smtp, starttls, script(probetest.Step{Send: "220 hi"}, probetest.Step{Expect: "EHLO", Flood: "250-PIPELINING\r\n"}), probe.KindProtocol, "response too long"},
		{"imap invalid UTF-8 greeting (issue 9)", imap, starttls, script(probetest.Step{Send: "* OK\x88[CAPABILITY "}), "", ""},
		{"imap invalid UTF-8 greeting code", imap, starttls, script(probetest.Step{Send: "* OK" + bad + "[CAPABILITY IMAP4rev1 STARTTLS" + bad + "] hi"},
			probetest.Step{Expect: "a1 STARTTLS", Send: "{tag} NO " + bad}), probe.KindStartTLSMissing, ""}, // "STARTTLS\x88…" is not STARTTLS
		{"imap invalid UTF-8 capability lines and tagged reply", imap, starttls, script(probetest.Step{Send: "* OK hi"},
			probetest.Step{Expect: "a1 CAPABILITY", Send: "* CAPABILITY " + bad + " IMAP4rev1\n{tag} OK " + bad + "[CAPABILITY " + bad + "]"}), probe.KindStartTLSMissing, ""},
		{"imap invalid UTF-8 STARTTLS reply", imap, starttls, script(probetest.Step{Send: "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi"},
			probetest.Step{Expect: "a1 STARTTLS", Send: bad + " OK " + bad}), probe.KindProtocol, ""},
		{"pop3 invalid UTF-8 greeting and CAPA", pop3, starttls, script(probetest.Step{Send: "+OK " + bad},
			probetest.Step{Expect: "CAPA", Send: "+OK " + bad + "\n" + bad + "\nSTLS" + bad + "\n."}), probe.KindStartTLSMissing, ""},
		{"pop3 invalid UTF-8 STLS reply", pop3, starttls, script(probetest.Step{Send: "+OK hi"},
			probetest.Step{Expect: "CAPA", Send: "+OK\nSTLS\n."}, probetest.Step{Expect: "STLS", Send: "-ERR " + bad}), probe.KindStartTLSRefused, ""},
		{"smtp invalid UTF-8 greeting and EHLO lines", smtp, starttls, script(probetest.Step{Send: "220 " + bad},
			probetest.Step{Expect: "EHLO", Send: "250-" + bad + "\n250-STARTTLS" + bad + "\n250 " + bad}), probe.KindStartTLSMissing, ""},
		{"smtp invalid UTF-8 STARTTLS reply", smtp, starttls, script(probetest.Step{Send: "220 hi"},
			probetest.Step{Expect: "EHLO", Send: "250-hi\n250 STARTTLS"}, probetest.Step{Expect: "STARTTLS", Send: "454 " + bad}), probe.KindStartTLSRefused, ""},
		{"smtp STARTTLS stripped", smtp, starttls, script(probetest.Step{Send: "220 hi"},
			probetest.Step{Expect: "EHLO", Send: "250-hi\n250-XXXXXXXA\n250 AUTH PLAIN"}, probetest.Step{Expect: "STARTTLS", Send: "502 5.5.1 unknown"}), probe.KindStartTLSMissing, ""},
		{"imap STARTTLS stripped", imap, starttls, script(probetest.Step{Send: "* OK [CAPABILITY IMAP4rev1] hi"},
			probetest.Step{Expect: "a1 STARTTLS", Send: "{tag} BAD unknown"}), probe.KindStartTLSMissing, ""},
		{"pop3 STARTTLS stripped", pop3, starttls, script(probetest.Step{Send: "+OK hi"},
			probetest.Step{Expect: "CAPA", Send: "+OK\nUSER\n."}, probetest.Step{Expect: "STLS", Send: "-ERR unknown"}), probe.KindStartTLSMissing, ""},
		{"smtp one byte a second", smtp, plain, func(t *testing.T) int { return startDrip(t, "220 slow.example.test ESMTP\r\n") }, probe.KindTimeout, ""},
		{"imap one byte a second", imap, plain, func(t *testing.T) int { return startDrip(t, "* OK slow\r\n") }, probe.KindTimeout, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			port := row.start(t)
			h := startHeapPeak()
			start := time.Now()
			res := newProber(hostileTimeout).Probe(context.Background(), server(row.proto, row.sec, port))
			took, peak := time.Since(start), h.Done()
			if res == nil || res.Status == "" {
				t.Fatalf("result %+v", res)
			}
			if row.kind != "" && (res.Status != autoconfig.ProbeFailed || res.ErrorKind != row.kind) {
				t.Errorf("status %s, kind %q (%s); want failed, %q", res.Status, res.ErrorKind, res.Error, row.kind)
			}
			if !strings.Contains(res.Error, row.words) {
				t.Errorf("error %q lacks %q", res.Error, row.words)
			}
			if res.Status == autoconfig.ProbeFailed && (res.Error == "" || res.ErrorKind == "") {
				t.Errorf("failed without a message: %+v", res)
			}
			for _, s := range resultTexts(res) {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8 reported: %q", s)
				}
			}
			if took > 3*hostileTimeout {
				t.Errorf("took %v, want at most the timeout %v, with room", took, hostileTimeout)
			}
			if peak > heapCap {
				t.Errorf("peak heap %d MiB, want under %d MiB", peak>>20, heapCap>>20)
			}
			t.Logf("%s %s: %s (%v, peak heap %.1f MiB)", res.Status, res.ErrorKind, res.Error, took.Round(time.Millisecond), float64(peak)/(1<<20))
		})
	}
}

// resultTexts are the texts of a probe result a person or a program reads.
func resultTexts(res *autoconfig.ProbeResult) []string {
	out := []string{res.Error, res.Greeting, strings.Join(res.Capabilities, " ")}
	for _, ph := range res.Phases {
		out = append(out, ph.Detail)
	}
	for _, l := range res.Transcript {
		out = append(out, l.Text)
	}
	for _, f := range res.Findings {
		out = append(out, f.Message, f.Hint)
	}
	return out
}
