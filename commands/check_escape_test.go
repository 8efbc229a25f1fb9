package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// hostileTargets are lines an attacker could put in check's --from file:
// a terminal escape that recolours and moves the cursor, invalid UTF-8,
// C1 CSI, a bidirectional override, and the characters that start a
// Nagios perfdata part, a GitHub command or end a Prometheus label.
var hostileTargets = []string{
	"\x1b[31mred\x1b[2J@example.test",
	"bad\xff\xfe@example.test",
	"c1\u009b31m@example.test",
	"rtl\u202egnp.exe@example.test",
	"imaps://q\"uo\\te|pipe::x,y%0A.example.test:993",
	"cr\rnl@example.test",
}

// assertPrintable fails on any control character but newline, on invalid
// UTF-8, C1 controls and bidi overrides in out.
func assertPrintable(t *testing.T, what string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Errorf("%s: invalid UTF-8 in the output:\n%q", what, out)
	}
	for _, r := range string(out) {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%s: %U in the output:\n%q", what, r, out)
			return
		}
	}
}

// hostileResults: each hostile target as a report whose finding quotes it
// (as a server's greeting would), and as a target that could not be
// tested.
func hostileResults() []*checkResult {
	var rs []*checkResult
	for _, tg := range hostileTargets {
		srv := fixtureServer(autoconfig.IMAP, "imap.example.test", 993, autoconfig.Finding{Code: probe.CodeConnectRefused, Severity: autoconfig.SeverityError,
			Side: autoconfig.Incoming, Server: "imap.example.test:993", Message: "the server said " + tg, Hint: "hint " + tg})
		srv.Phases[3].Detail = tg
		rep := fixtureReport(tg, srv, fixtureServer(autoconfig.SMTP, "smtp.example.test", 465))
		rep.Incoming.Status = autoconfig.StatusBroken
		rs = append(rs, (&checkResult{Target: tg, Report: rep}).finish(),
			(&checkResult{Target: tg, Err: fmt.Errorf("cannot read %s", tg)}).finish())
	}
	return rs
}

func renderHostile(t *testing.T, format string, verbose bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	fm, err := newCheckFormatter(format, checkFormatOptions{w: &buf, verbose: verbose, failOn: "error", env: func(string) string { return "" }, hostname: "ci.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	sum := newSummary("error")
	for _, r := range hostileResults() {
		sum.add(r)
		if err := fm.result(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := fm.finish(sum); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheckFormatsEscapeHostileText renders hostile targets and messages
// in every format and has the real consumers read what they can.
func TestCheckFormatsEscapeHostileText(t *testing.T) {
	for _, f := range checkFormats {
		out := renderHostile(t, f, true)
		if f != "json" {
			assertPrintable(t, f, out)
		}
		switch f {
		case "json":
			// encoding/json escapes control characters and replaces
			// invalid UTF-8; the result must be valid JSON that reads
			// back with the targets.
			var v struct{ Results []struct{ Target string } }
			if err := json.Unmarshal(out, &v); err != nil || len(v.Results) != 2*len(hostileTargets) || v.Results[0].Target != hostileTargets[0] {
				t.Errorf("json: %v %+v", err, v)
			}
		case "text":
			if !strings.Contains(string(out), `\x1b[31mred\x1b[2J@example.test`) || !strings.Contains(string(out), `bad\xff\xfe@`) || !strings.Contains(string(out), `rtl\u202egnp`) {
				t.Errorf("text does not show the escapes:\n%s", out)
			}
		case "github":
			for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
				if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "postino check") {
					t.Errorf("github: a line that is no annotation: %q", l)
				}
			}
		case "nagios":
			first := strings.SplitN(string(out), "\n", 2)[0]
			if strings.Count(first, "|") > 1 {
				t.Errorf("nagios: a target started a second perfdata part: %q", first)
			}
		case "prometheus":
			checkExposition(t, string(out))
			if p, err := exec.LookPath("promtool"); err == nil {
				cmd := exec.Command(p, "check", "metrics")
				cmd.Stdin = bytes.NewReader(out)
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("promtool check metrics: %v\n%s\n%s", err, msg, out)
				}
			}
		case "junit":
			xmllint := needTool(t, "xmllint", true)
			file := writeTemp(t, "junit.xml", out)
			if msg, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit", "JUnit.xsd"), file).CombinedOutput(); err != nil {
				t.Errorf("xmllint: %v\n%s", err, msg)
			}
		}
	}
}

// TestCheckHostileTargetsFromStdin: the same targets through the command
// line, read from standard input, with a dead resolver (nothing leaves
// loopback).
func TestCheckHostileTargetsFromStdin(t *testing.T) {
	dead := fmt.Sprintf("127.0.0.1:%d", closedPort(t))
	for _, f := range checkFormats {
		var o, e bytes.Buffer
		st := Run(context.Background(), []string{"postino", "check", "--from", "-", "--format", f, "--resolver", dead, "--timeout", "3s", "--ispdb-url", "http://" + dead + "/"},
			strings.NewReader(strings.Join(hostileTargets, "\n")+"\n"), &o, &e, BuildInfo{Providers: []byte(emptyProviders)})
		if st != exitCannotRun {
			t.Errorf("%s: exit %d, want 3\n%s%s", f, st, o.String(), e.String())
		}
		if f != "json" {
			assertPrintable(t, f, o.Bytes())
		}
		assertPrintable(t, f+" stderr", e.Bytes())
		if f == "prometheus" {
			if p, err := exec.LookPath("promtool"); err == nil {
				cmd := exec.Command(p, "check", "metrics")
				cmd.Stdin = bytes.NewReader(o.Bytes())
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("promtool check metrics: %v\n%s\n%s", err, msg, o.String())
				}
			}
		}
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"plain text": "plain text", "a\x1b[0mb": `a\x1b[0mb`, "\xff": `\xff`, "é ü 日本": "é ü 日本",
		"a\u202eb": `a\u202eb`, "\u009b": `\u009b`, "l1\nl2\tx\r": `l1\x0al2\x09x\x0d`, "\x7f": `\x7f`,
	} {
		if got := displayLine(in); got != want {
			t.Errorf("displayLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := displayText("l1\nl2\tx\r"); got != "l1\nl2\tx\\x0d" {
		t.Errorf("displayText keeps newlines and tabs only: %q", got)
	}
}
