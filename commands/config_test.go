package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// postinoIn runs the command line with stdin; no test here touches the
// network: every config run reads --from.
func postinoIn(stdin string, args ...string) (stdout, stderr string, status int) {
	var o, e bytes.Buffer
	status = Run(context.Background(), append([]string{"postino"}, args...), strings.NewReader(stdin), &o, &e, BuildInfo{Version: "test"})
	return o.String(), e.String(), status
}

// A config document as `postino config --format json` writes it: IMAP
// and POP3 (STARTTLS), SMTP with STARTTLS named only by an untrusted
// source.
const settingsDoc = `{"schema":"postino/v1","command":"config","address":"alice@example.com","domain":"example.com",
 "settings":{"display_name":"Example Mail",
  "incoming":{"status":"ok","servers":[
   {"protocol":"imap","host":"imap.example.com","port":993,"security":"tls","username":"alice@example.com","auth":["password-cleartext"]},
   {"protocol":"pop3","host":"pop.example.com","port":110,"security":"starttls","username":"alice","auth":["password-cleartext"]}]},
  "outgoing":{"status":"warning","servers":[
   {"protocol":"smtp","host":"smtp.example.com","port":587,"security":"starttls","username":"alice@example.com","auth":["password-cleartext"]}]}},
 "findings":[{"code":"discovery.untrusted-source","severity":"warning","side":"outgoing","server":"smtp.example.com:587",
  "message":"smtp.example.com:587 was only named by a source that cannot be trusted","hint":"check the server"}]}`

func writeSettings(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigFromFile: every format from a --from file, the address after
// or before the flags, losses as warnings on stderr.
func TestConfigFromFile(t *testing.T) {
	from := writeSettings(t, settingsDoc)
	cases := []struct {
		args       []string
		out, warns []string
	}{
		{[]string{"config", "--from", from, "--format", "thunderbird"},
			[]string{`<clientConfig version="1.1">`, `<incomingServer type="pop3">`, `<username>%EMAILLOCALPART%</username>`, `<leaveMessagesOnServer>true</leaveMessagesOnServer>`},
			nil},
		{[]string{"config", "--from", from, "--format", "autodiscover"},
			[]string{`<Encryption>TLS</Encryption>`, `<SPA>off</SPA>`, `<LoginName>alice</LoginName>`},
			[]string{"postino: warning: pop3 pop.example.com:110 (starttls): autodiscover cannot say whether to leave mail on the server"}},
		{[]string{"--format", "mobileconfig", "config", "--from", from},
			[]string{`<string>com.apple.mail.managed</string>`, `<string>EmailTypeIMAP</string>`},
			[]string{"postino: warning: a .mobileconfig holds one incoming server", "cannot say STARTTLS"}},
		{[]string{"config", "--from", from, "--format", "json"},
			[]string{`"command": "config"`, `"status": "warning"`},
			nil},
		{[]string{"config", "--from", from, "--format", "text", "--client", "outlook"},
			[]string{"Outlook (classic, for Windows)", "Encryption method", "STARTTLS"},
			nil},
		{[]string{"config", "--from", from},
			[]string{"Mail settings for alice@example.com\n", "Security"},
			nil},
		{[]string{"config", "--from", from, "--format", "dns"},
			[]string{"_imaps._tcp.example.com.", "SRV 10 0 110 pop.example.com."},
			[]string{`cannot say the login name "%EMAILLOCALPART%"`}},
		// Another mailbox of the same domain: the login names follow it.
		{[]string{"config", "bob@example.com", "--from", from, "--format", "autodiscover"},
			[]string{`<LoginName>bob@example.com</LoginName>`, `<LoginName>bob</LoginName>`},
			nil},
	}
	for _, c := range cases {
		out, stderr, status := postinoIn("", c.args...)
		if status != 0 {
			t.Errorf("%v: status %d, want 0\n%s", c.args, status, stderr)
		}
		for _, w := range c.out {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stdout lacks %q:\n%s", c.args, w, out)
			}
		}
		// The untrusted source is repeated on every run.
		for _, w := range append(c.warns, "postino: warning: outgoing: smtp.example.com:587 was only named") {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, stderr)
			}
		}
	}
}

// TestConfigOutputFile: --output writes the file (0644) and nothing to
// stdout; the warnings still go to stderr; the file parses back.
func TestConfigOutputFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config-v1.1.xml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, status := postinoIn(settingsDoc, "config", "--from", "-", "--format", "thunderbird", "--output", path)
	if status != 0 || out != "" {
		t.Fatalf("status %d, stdout %q, stderr %s", status, out, stderr)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("output file: %v, mode %v", err, fi.Mode())
	}
	data, _ := os.ReadFile(path)
	cfg, err := autoconfig.ParseMozilla(data, autoconfig.Address{Local: "alice", Domain: "example.com"})
	if err != nil || len(cfg.Incoming) != 2 || len(cfg.Outgoing) != 1 || cfg.Incoming[1].Username != "alice" {
		t.Errorf("written file parses to %+v, %v", cfg, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if !strings.Contains(stderr, "postino: warning: outgoing:") {
		t.Errorf("stderr lacks the caveat: %s", stderr)
	}
}

// TestConfigExitStatus: a path the format needs but the settings lack is
// exit 2 with nothing written; a format that can say so writes and warns;
// a broken path is 2 and a warning only counts with --fail-on warning.
func TestConfigExitStatus(t *testing.T) {
	noOut := strings.Replace(settingsDoc, `"outgoing":{"status":"warning","servers":[`, `"outgoing":{"servers":[],"x":[`, 1)
	from := writeSettings(t, noOut)
	out, stderr, status := postinoIn("", "config", "--from", from, "--format", "thunderbird")
	if status != exitProblem || out != "" || !strings.Contains(stderr, "postino: error: autoconfig: settings incomplete: no outgoing") {
		t.Errorf("thunderbird without outgoing: status %d, stdout %q, stderr %s", status, out, stderr)
	}
	out, stderr, status = postinoIn("", "config", "--from", from, "--format", "json")
	if status != 0 || !strings.Contains(out, `"outgoing": {`) || !strings.Contains(stderr, "postino: warning: the settings have no outgoing server") {
		t.Errorf("json without outgoing: status %d, stderr %s", status, stderr)
	}

	from = writeSettings(t, settingsDoc)
	if _, _, status := postinoIn("", "config", "--from", from, "--format", "json", "--fail-on", "warning"); status != exitWarning {
		t.Errorf("warning path with --fail-on warning: status %d, want %d", status, exitWarning)
	}
	broken := writeSettings(t, strings.Replace(settingsDoc, `"status":"ok"`, `"status":"broken"`, 1))
	out, _, status = postinoIn("", "config", "--from", broken, "--format", "json")
	if status != exitProblem || out == "" {
		t.Errorf("broken incoming path: status %d, stdout %d bytes; want the file and status 2", status, len(out))
	}
}

func TestConfigUsageErrors(t *testing.T) {
	from := writeSettings(t, settingsDoc)
	other := writeSettings(t, `{"schema":"postino/v2","address":"alice@example.com"}`)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"config", "--from", from, "--format", "yaml"}, "want thunderbird, autodiscover, mobileconfig, json, text or dns"},
		{[]string{"config", "--from", from, "--format", "json", "--client", "ios"}, "goes with --format text"},
		{[]string{"config", "--from", from, "--client", "pine"}, "want one of thunderbird, outlook"},
		{[]string{"config", "--from", from, "--fail-on", "often"}, "want error or warning"},
		{[]string{"config", "--from", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
		{[]string{"config", "--from", other}, `schema "postino/v2"`},
		{[]string{"config", "carol@example.org", "--from", from}, "not example.org"},
		{[]string{"config", "a@example.com", "b@example.com", "--from", from}, "at most one address"},
		{[]string{"config"}, "exactly one address"},
		{[]string{"config", "not an address"}, "invalid address"},
	}
	for _, c := range cases {
		out, stderr, status := postinoIn("", c.args...)
		if status != exitCannotRun || out != "" {
			t.Errorf("%v: status %d, stdout %q; want %d and nothing", c.args, status, out, exitCannotRun)
		}
		if !strings.Contains(stderr, "postino: error: ") || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: stderr %q, want an error mentioning %q", c.args, stderr, c.want)
		}
	}
}

// TestConfigKeepsGlobalFormat: config's --format does not change what
// --format means to discover.
func TestConfigKeepsGlobalFormat(t *testing.T) {
	_, stderr, status := postinoIn("", "discover", "alice@example.com", "--format", "thunderbird")
	if status != exitCannotRun || !strings.Contains(stderr, "want text or json") {
		t.Errorf("discover --format thunderbird: status %d, %s", status, stderr)
	}
	if autoconfig.JSONSchema != SchemaV1 {
		t.Errorf("config writes %q, discover %q: one schema", autoconfig.JSONSchema, SchemaV1)
	}
}
