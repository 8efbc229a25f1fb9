package commands

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// TestReorderArgs pins the Contract's rule that global flags work before
// or after the address (urfave/cli v2 stops at the first positional).
func TestReorderArgs(t *testing.T) {
	app := newApp(BuildInfo{}, nil, nil, nil)
	cases := []struct{ in, want string }{
		{"postino discover alice@example.com --format json", "postino discover --format json alice@example.com"},
		{"postino --format json discover alice@example.com", "postino discover --format json alice@example.com"},
		{"postino discover --timeout=5s alice@example.com -v", "postino discover --timeout=5s -v alice@example.com"},
		{"postino discover alice@example.com -4 --resolver 127.0.0.1:53", "postino discover -4 --resolver 127.0.0.1:53 alice@example.com"},
		{"postino discover -- -weird", "postino discover -- -weird"},
		{"postino --version", "postino --version"},
		// Subcommands belong to the command: flags go after the last one.
		{"postino providers show gmail.com --format json", "postino providers show --format json gmail.com"},
		{"postino providers --format json show gmail.com", "postino providers show --format json gmail.com"},
		{"postino providers verify gmx.net web.de --timeout 2m -v", "postino providers verify --timeout 2m -v gmx.net web.de"},
		{"postino providers search show --format=json", "postino providers search --format=json show"},
		{"postino providers --providers-file db.json search mail", "postino providers search --providers-file db.json mail"},
		{"postino discover providers", "postino discover providers"},
	}
	for _, c := range cases {
		got := strings.Join(reorderArgs(app, strings.Fields(c.in)), " ")
		if got != c.want {
			t.Errorf("reorderArgs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func run(args ...string) (stdout, stderr string, status int) {
	var o, e bytes.Buffer
	status = Run(context.Background(), append([]string{"postino"}, args...), strings.NewReader(""), &o, &e, BuildInfo{Version: "1.2.3", Commit: "abc", Providers: []byte(`{"schema":"postino-providers/v2","providers":[]}`)})
	return o.String(), e.String(), status
}

func TestVersion(t *testing.T) {
	out, _, status := run("--version")
	if status != 0 || !strings.HasPrefix(out, "postino version 1.2.3 (abc)") {
		t.Errorf("--version = %q (status %d)", out, status)
	}
}

// TestUsageErrors: bad input is a clear error and exit status 3, never a
// panic; no network is touched.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"discover"}, "exactly one address"},
		{[]string{"discover", "a@b.example", "c@d.example"}, "exactly one address"},
		{[]string{"discover", "not an address"}, "invalid address"},
		{[]string{"discover", "@example.com"}, "empty local part"},
		{[]string{"discover", "localhost"}, "at least two labels"},
		{[]string{"discover", "alice@example.com", "--format", "yaml"}, "want text or json"},
		{[]string{"discover", "alice@example.com", "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"discover", "alice@example.com", "-4", "-6"}, "exclude each other"},
		{[]string{"discover", "alice@example.com", "--ca-file", "/nonexistent/ca.pem"}, "ca-file"},
		{[]string{"discover", "alice@example.com", "--timeout", "soon"}, "invalid value"},
		{[]string{"discover", "alice@example.com", "--skip", "carrier-pigeon"}, "not a source"},
		{[]string{"discover", "alice@example.com", "--fail-on", "sometimes"}, "want error or warning"},
		{[]string{"bogus"}, "unknown command"},
	}
	for _, c := range cases {
		_, stderr, status := run(c.args...)
		if status != exitCannotRun {
			t.Errorf("%v: status %d, want %d", c.args, status, exitCannotRun)
		}
		if !strings.Contains(stderr, "postino: error: ") || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: stderr %q, want an error mentioning %q", c.args, stderr, c.want)
		}
	}
}

// TestSkipHelpNamesEverySource: --skip's help lists every source the
// discovery engine knows, in the registry's order.
func TestSkipHelpNamesEverySource(t *testing.T) {
	out, _, _ := run("discover", "--help")
	want := "Do not ask this source (providers, srv, autoconfig, well-known, autoconfig-http, ispdb, mx, autodiscover, guess)"
	if !strings.Contains(out, want) {
		t.Errorf("discover --help does not say %q:\n%s", want, out)
	}
	for _, s := range autoconfig.SourceNames() {
		if !strings.Contains(out, s) {
			t.Errorf("discover --help does not name source %s", s)
		}
	}
}
