package commands

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want string // Server.String(), or the address, or "error"
	}{
		{"alice@example.com", "alice@example.com"},
		{"example.com", "example.com"},
		{"imap://mail.example.com", "imap mail.example.com:143 (starttls)"},
		{"imap://mail.example.com:993", "imap mail.example.com:993 (tls)"},
		{"imaps://mail.example.com", "imap mail.example.com:993 (tls)"},
		{"pop3://mail.example.com", "pop3 mail.example.com:110 (starttls)"},
		{"pop3s://mail.example.com", "pop3 mail.example.com:995 (tls)"},
		{"submission://mail.example.com:587", "smtp mail.example.com:587 (starttls)"},
		{"smtps://mail.example.com", "smtp mail.example.com:465 (tls)"},
		{"smtp://mx.example.com", "smtp mx.example.com:25 (starttls)"},
		{"imaps://[::1]:1993", "imap [::1]:1993 (tls)"},
		{"http://example.com", "error"},
		{"imaps://u:p@example.com", "error"},
		{"imaps://example.com/INBOX", "error"},
	}
	for _, tc := range tests {
		tg := parseTarget(tc.in)
		got := tg.addr.String()
		switch {
		case tg.err != nil:
			got = "error"
		case tg.srv != nil:
			got = tg.srv.String()
		}
		if got != tc.want {
			t.Errorf("parseTarget(%q) = %s (%v), want %s", tc.in, got, tg.err, tc.want)
		}
	}
}

// TestTargetSource reads --from with comments and blank lines, and -.
func TestTargetSource(t *testing.T) {
	f := filepath.Join(t.TempDir(), "targets")
	os.WriteFile(f, []byte("# customers\nalice@a.test\n\n  b.test   # trailing comment\nimaps://c.test\n"), 0o644)
	collect := func(args []string, from string, stdin string) []string {
		ch, err := targetSource(context.Background(), args, from, strings.NewReader(stdin))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for tg := range ch {
			out = append(out, tg.Raw)
		}
		return out
	}
	if got := strings.Join(collect(nil, f, ""), " "); got != "alice@a.test b.test imaps://c.test" {
		t.Errorf("--from: %s", got)
	}
	if got := strings.Join(collect([]string{"-"}, "", "x.test\n#y\nz.test"), " "); got != "x.test z.test" {
		t.Errorf("stdin: %s", got)
	}
}

// TestRunChecksOrderAndBound: results come out in input order whatever
// order they finish in, and the reader never runs more than the window
// ahead of the output.
func TestRunChecksOrderAndBound(t *testing.T) {
	const n, total = 4, 200
	src := make(chan checkTarget)
	var read, emitted atomic.Int64
	var maxAhead int64
	go func() {
		defer close(src)
		for i := range total {
			src <- checkTarget{Raw: strconv.Itoa(i)}
			read.Add(1)
		}
	}()
	run := func(ctx context.Context, tg checkTarget) *checkResult {
		i, _ := strconv.Atoi(tg.Raw)
		time.Sleep(time.Duration((i*7)%5) * time.Millisecond)
		return &checkResult{Target: tg.Raw}
	}
	next := 0
	err := runChecks(context.Background(), src, n, run, func(r *checkResult) error {
		if r.Target != strconv.Itoa(next) {
			t.Fatalf("got %s, want %d", r.Target, next)
		}
		next++
		emitted.Add(1)
		maxAhead = max(maxAhead, read.Load()-emitted.Load())
		return nil
	})
	if err != nil || next != total {
		t.Fatalf("err %v after %d results", err, next)
	}
	if maxAhead > 4*n+2 {
		t.Errorf("the reader ran %d targets ahead of the output, want at most the window %d", maxAhead, 4*n)
	}
}

// TestCheckPolicy: --require makes a warning fatal, --ignore drops a
// finding, --cert-crit-days turns an expiring certificate critical,
// --warn-time adds a warning.
func TestCheckPolicy(t *testing.T) {
	state := func(p checkPolicy, mutate func(*testReport)) (checkState, []string) {
		r := fixtureResults()[1] // a warning: tls.cert-expiring, 10 days
		if mutate != nil {
			mutate(r.Report)
		}
		p.apply(r.Report)
		r.finish()
		var codes []string
		for _, f := range r.Report.Findings {
			codes = append(codes, f.Code+"/"+string(f.Severity))
		}
		return r.State, codes
	}
	if st, codes := state(checkPolicy{CertWarnDays: 14}, nil); st != stateWarning {
		t.Errorf("plain: %v %v", st, codes)
	}
	if st, codes := state(checkPolicy{CertWarnDays: 14, CertCritDays: 11}, nil); st != stateCritical {
		t.Errorf("--cert-crit-days 11 with 10 days left: %v %v", st, codes)
	}
	req, _ := expandCodes("require", []string{"cert"})
	if st, codes := state(checkPolicy{Require: req}, nil); st != stateCritical {
		t.Errorf("--require cert: %v %v", st, codes)
	}
	ign, _ := expandCodes("ignore", []string{probe.CodeCertExpiring})
	if st, codes := state(checkPolicy{Ignore: ign}, nil); st != stateOK {
		t.Errorf("--ignore: %v %v", st, codes)
	}
	if st, codes := state(checkPolicy{Ignore: ign, WarnTime: 10 * time.Millisecond}, nil); st != stateWarning || !strings.Contains(fmt.Sprint(codes), findCheckSlow.Code) {
		t.Errorf("--warn-time 10ms with a 30ms server: %v %v", st, codes)
	}
	v6, _ := expandCodes("require", []string{"ipv6"})
	if st, codes := state(checkPolicy{Ignore: ign, Require: v6}, nil); st != stateCritical || !strings.Contains(fmt.Sprint(codes), findCheckIPv6Missing.Code) {
		t.Errorf("--require ipv6 on an IPv4-only server: %v %v", st, codes)
	}
	if _, err := expandCodes("require", []string{"tls.cert-expird"}); err == nil || !strings.Contains(fmt.Sprint(err), "no such finding") {
		t.Errorf("a misspelt code: %v", err)
	}
	// A required code on an otherwise broken path keeps it broken.
	if st, _ := state(checkPolicy{}, func(r *testReport) { r.Incoming.Servers[0].Addresses[0].OK = false }); st != stateCritical {
		t.Errorf("no working address: %v", st)
	}
}

// TestCheckExitStatus follows the Contract: warnings exit 0 unless
// --fail-on warning (the default for nagios), usage errors exit 3.
func TestCheckExitStatus(t *testing.T) {
	imapPort, _, caFile, _ := testServers(t)
	target := "imaps://127.0.0.1:" + strconv.Itoa(imapPort)
	// The test CA's leaf lives 90 days: --cert-warn-days 100 warns.
	base := []string{"check", target, "--ca-file", caFile, "--cert-warn-days", "100", "--timeout", "5s"}
	for _, tc := range []struct {
		extra []string
		want  int
	}{
		{nil, 0},
		{[]string{"--fail-on", "warning"}, 1},
		{[]string{"--format", "nagios"}, 1},
		{[]string{"--format", "nagios", "--fail-on", "error"}, 0},
		{[]string{"--cert-crit-days", "95"}, 2},
		{[]string{"--format", "yaml"}, 3},
		{[]string{"--require", "nonsense"}, 3},
	} {
		out, errOut, st := runIn("", nil, append(base, tc.extra...)...)
		if st != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.extra, st, tc.want, out, errOut)
		}
	}
	if _, _, st := runIn("", nil, "check"); st != 3 {
		t.Errorf("no target: exit %d, want 3", st)
	}
	if _, _, st := runIn("", nil, "check", "gopher://x"); st != 3 {
		t.Errorf("a bad target: exit %d, want 3", st)
	}
	// A bad line in a list is one UNKNOWN target; the rest still run.
	out, _, st := runIn(target+"\ngopher://x\n", nil, "check", "--from", "-", "--ca-file", caFile, "--format", "nagios", "--fail-on", "error")
	if st != 3 || !strings.Contains(out, "POSTINO UNKNOWN - 2 targets: 1 ok") {
		t.Errorf("list with a bad line: exit %d\n%s", st, out)
	}
}
