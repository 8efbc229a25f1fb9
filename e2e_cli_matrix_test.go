package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// TestCLIMatrix runs the built binary through every command with every
// output format and the main flags, against a DNS server on loopback with
// nothing in it and against a resolver that does not answer, and asserts
// the documented exit status (README, docs/check.md: 0 ok, 2 a path
// broken or nothing found, 3 could not run) and that nothing panics.
//
// The built binary driven from a Go table, rather than testscript
// (rogpeppe/go-internal): the matrix is a cross product that a few nested
// loops generate, every cell asserts the same two things, and it needs no
// new dependency; a script per cell would repeat itself hundreds of times.
func TestCLIMatrix(t *testing.T) {
	empty := resolvertest.NewServer(t, resolvertest.Zone{}).Addr()
	// UDP and TCP to an address nothing listens on: the resolver is dead.
	// Not the closed ephemeral port above: a test of another package,
	// running at the same time, may bind it and answer (seen: exit 2
	// instead of 3). No test binds 127.0.98.0/24.
	dead := "127.0.98.1:53"
	env := []string{"POSTINO_ISPDB_URL=http://127.0.98.1:80/"}

	type cell struct {
		args []string
		want int
	}
	var cells []cell
	add := func(want int, args ...string) { cells = append(cells, cell{args, want}) }
	for _, dns := range []struct {
		name, addr string
		nothing    int // exit status when there is nothing to find
	}{{"empty", empty, 2}, {"dead", dead, 3}} {
		r := []string{"--resolver", dns.addr, "--timeout", "5s", "--probe-timeout", "2s"}
		with := func(args ...string) []string { return append(append([]string{}, args...), r...) }
		for _, f := range [][]string{nil, {"--no-probe"}, {"-v"}, {"--format", "json"}, {"--format", "json", "--no-probe"}, {"-v", "--format", "json"}} {
			add(dns.nothing, with(append([]string{"discover", "alice@example.test"}, f...)...)...)
			add(dns.nothing, with(append([]string{"discover", "example.test"}, f...)...)...)
			// A domain the provider database knows: --no-probe ranks
			// its servers unverified (exit 0, with a warning when the
			// resolver is dead); probes fail (exit 2, or 3 without DNS).
			known := dns.nothing
			if len(f) > 0 && f[len(f)-1] == "--no-probe" {
				known = 0
			}
			add(known, with(append([]string{"discover", "alice@gmail.com"}, f...)...)...)
		}
		for _, f := range [][]string{nil, {"-v"}, {"--format", "json"}, {"-v", "--format", "json"}, {"--imap", "imap.example.test:993"}} {
			add(dns.nothing, with(append([]string{"test", "alice@example.test"}, f...)...)...)
		}
		for _, format := range []string{"thunderbird", "autodiscover", "mobileconfig", "json", "text", "dns"} {
			add(dns.nothing, with("config", "alice@example.test", "--format", format)...)
			add(dns.nothing, with("config", "alice@example.test", "--format", format, "--no-probe")...)
		}
		for _, format := range []string{"text", "json", "junit", "nagios", "prometheus", "github"} {
			for _, v := range [][]string{nil, {"-v"}} {
				add(dns.nothing, with(append([]string{"check", "alice@example.test", "--format", format}, v...)...)...)
				add(dns.nothing, with(append([]string{"check", "imaps://mail.example.test:993", "--format", format}, v...)...)...)
				add(dns.nothing, with(append([]string{"check", "alice@example.test", "example.test", "smtp://mx.example.test", "--format", format}, v...)...)...)
			}
		}
		add(dns.nothing, with("providers", "verify", "gmail.com")...)
	}
	for _, format := range []string{"text", "json"} {
		add(0, "explain", "tls.cert-expired", "--format", format)
		add(3, "explain", "no.such-code", "--format", format)
		add(0, "providers", "search", "gmail", "--format", format)
		add(0, "providers", "show", "gmail.com", "--format", format)
		add(2, "providers", "show", "no-such-provider.test", "--format", format) // "nothing found"
	}
	add(0, "explain") // the catalogue
	add(0, "serve", "--help")
	add(0, "--help")
	add(0, "--version")
	// Bad values: a usage error, exit 3, before anything runs.
	for _, bad := range [][]string{
		{"discover", "alice@example.test", "--format", "nosuch"},
		{"discover", "not an address"},
		{"discover"},
		{"test", "alice@example.test", "--concurrency", "0"},
		{"test", "alice@example.test", "--imap", "host:notaport"},
		{"config", "alice@example.test", "--format", "nosuch"},
		{"config", "alice@example.test", "--client", "nosuch"},
		{"check", "alice@example.test", "--format", "nosuch"},
		{"check", "alice@example.test", "--timeout", "0"},
		{"check", "alice@example.test", "--probe-timeout", "-5s"},
		{"check", "alice@example.test", "--cert-warn-days", "-5"},
		{"check", "alice@example.test", "--fail-on", "nosuch"},
		{"check", "gopher://example.test"},
		{"check"},
		{"check", "alice@example.test", "--write", "junit"},
		{"check", "alice@example.test", "--providers-file", "/nonexistent"},
		{"check", "imaps://mail.example.test:993", "--providers-file", "/nonexistent"},
		{"check", "alice@example.test", "--ca-file", "/nonexistent"},
		{"serve", "--providers-file", "/nonexistent"},
		{"serve", "--max-concurrent", "0"},
		{"serve", "--listen", "256.0.0.1:1"},
		{"nosuch-command"},
		{"discover", "alice@example.test", "--nosuch-flag"},
		{"discover", "alice@example.test", "--timeout", "soon"},
	} {
		add(3, bad...)
	}

	for _, c := range cells {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, st, _ := runPostinoWith(t, runOptions{hardKill: 30 * time.Second, env: env}, c.args...)
			out := stdout + stderr
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Fatalf("panic:\n%s", out)
			}
			if st != c.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", st, c.want, stdout, stderr)
			}
			if isJSON(c.args) && stdout != "" && !json.Valid([]byte(stdout)) {
				t.Errorf("--format json printed no valid JSON:\n%s", stdout)
			}
			if st == 3 && !strings.Contains(stderr, "postino: error: ") && !strings.Contains(stdout, "UNKNOWN") && !strings.Contains(stdout, "could not test") {
				t.Errorf("exit 3 with no error message:\n%s", out)
			}
		})
	}
}

func isJSON(args []string) bool {
	for i, a := range args {
		if a == "--format" && i+1 < len(args) && args[i+1] == "json" {
			return true
		}
	}
	return false
}
