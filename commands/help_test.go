package commands

import (
	"slices"
	"strings"
	"testing"
)

// TestHelp: "postino help" and "postino help COMMAND [SUBCOMMAND]" print
// what --help prints, and the hint of every usage error names a command
// that works.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "COMMANDS:"},
		{[]string{"help", "discover"}, "postino discover - ask every discovery source"},
		{[]string{"help", "providers", "show"}, "postino providers show - show one provider's entry"},
	} {
		out, stderr, status := run(c.args...)
		if status != 0 || !strings.Contains(out, c.want) || stderr != "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want %q", c.args, status, out, stderr, c.want)
		}
		flagArgs := append(c.args[1:len(c.args):len(c.args)], "--help")
		if len(c.args) == 1 {
			flagArgs = []string{"--help"}
		}
		if viaFlag, _, _ := run(flagArgs...); viaFlag != out {
			t.Errorf("%v differs from %v:\n%s\n---\n%s", c.args, flagArgs, out, viaFlag)
		}
	}
	_, stderr, _ := run("discover", "a@b.example", "--no-such-flag")
	if !strings.Contains(stderr, "run 'postino discover --help'") {
		t.Errorf("usage error hint: %q", stderr)
	}
}

// TestSuggestions: a typo in a command, a subcommand, a flag or a finding
// code gets the closest names as a hint, and exit status 3.
func TestSuggestions(t *testing.T) {
	for _, c := range []struct {
		args      []string
		err, hint string
	}{
		{[]string{"chek", "alice@example.com"}, `unknown command "chek"`, "did you mean check?"},
		{[]string{"dicover", "alice@example.com"}, `unknown command "dicover"`, "did you mean discover?"},
		{[]string{"help", "dicover"}, `unknown command "dicover"`, "did you mean discover?"},
		{[]string{"providers", "shwo", "gmail.com"}, `providers: unknown subcommand "shwo"`, "did you mean show?"},
		{[]string{"discover", "alice@example.com", "--formt", "json"}, "flag provided but not defined: --formt", "did you mean --format?"},
		{[]string{"check", "--requir", "starttls", "imaps://127.0.0.1"}, "--requir", "did you mean --require?"},
		{[]string{"explain", "tls.cert-expird"}, `unknown finding code`, "did you mean tls.cert-expired?"},
		{[]string{"completion", "fissh"}, `unknown shell "fissh"`, "did you mean fish?"},
	} {
		_, stderr, status := run(c.args...)
		if status != exitCannotRun || !strings.Contains(stderr, "postino: error: ") || !strings.Contains(stderr, c.err) ||
			!strings.Contains(stderr, "postino: hint: "+c.hint) {
			t.Errorf("%v: status %d, stderr %q; want %q and hint %q", c.args, status, stderr, c.err, c.hint)
		}
	}
	// Nothing close, nothing suggested.
	if _, stderr, _ := run("xyzzy"); strings.Contains(stderr, "did you mean") {
		t.Errorf("xyzzy: %q", stderr)
	}
}

func TestClosest(t *testing.T) {
	codes := similarCodes
	for in, want := range map[string][]string{
		"tls.cert-expird":  {"tls.cert-expired"},
		"expired":          {"tls.cert-expired"},
		"wrong-password":   {"auth.wrong-password"},
		"imap.starttls":    {"imap.starttls-missing", "imap.starttls-refused"},
		"ipv6-unreachable": {"net.ipv6-unreachable"},
	} {
		if got := codes(in); !slices.Equal(got, want) {
			t.Errorf("similarCodes(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"shwo": {"show"}, "formt": {"format"}, "x": nil, "verfy": {"verify"},
	} {
		if got := closest(in, []string{"search", "show", "verify", "format", "v", "4", "6"}); !slices.Equal(got, want) {
			t.Errorf("closest(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestCommandFlags: each command lists only the flags it reads, and still
// takes them before or after its arguments.
func TestCommandFlags(t *testing.T) {
	for _, c := range []struct {
		help      []string
		has, lack []string
	}{
		{[]string{"explain"}, []string{"--format", "--no-color"}, []string{"--resolver", "-4", "-6", "--concurrency", "--timeout", "--ca-file"}},
		{[]string{"providers", "show"}, []string{"--format", "--verbose"}, []string{"--resolver", "-4", "-6", "--concurrency", "--timeout"}},
		{[]string{"providers", "search"}, []string{"--format"}, []string{"--resolver", "--concurrency"}},
		{[]string{"providers", "verify"}, []string{"--resolver", "--concurrency", "-4"}, nil},
		{[]string{"serve"}, []string{"--max-concurrent", "--resolver", "--listen"}, []string{"--format", "--no-color", "--concurrency", "--timeout", "--probe-timeout", "--fail-on", "--verbose"}},
		{[]string{"discover"}, []string{"--resolver", "--format", "--concurrency", "--no-probe"}, nil},
	} {
		out, _, status := run(append([]string{"help"}, c.help...)...)
		if status != 0 {
			t.Fatalf("help %v: status %d", c.help, status)
		}
		opts := out[strings.Index(out, "OPTIONS:"):]
		for _, f := range c.has {
			if !strings.Contains(opts, "   "+f+" ") && !strings.Contains(opts, "   "+f+",") {
				t.Errorf("help %v lacks %s:\n%s", c.help, f, opts)
			}
		}
		for _, f := range c.lack {
			if strings.Contains(opts, "   "+f+" ") || strings.Contains(opts, "   "+f+",") {
				t.Errorf("help %v shows %s, which it does not read:\n%s", c.help, f, opts)
			}
		}
	}
	// Before and after the argument, for the flags a command has.
	for _, args := range [][]string{
		{"explain", "tls.cert-expired", "--format", "json"},
		{"--format", "json", "explain", "tls.cert-expired"},
		{"explain", "--format", "json", "tls.cert-expired"},
	} {
		out, stderr, status := run(args...)
		if status != 0 || !strings.Contains(out, `"code": "tls.cert-expired"`) {
			t.Errorf("%v: status %d, %q %q", args, status, out, stderr)
		}
	}
}
