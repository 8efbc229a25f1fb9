package commands

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// starttlsResult is a STARTTLS server that asks for capabilities before
// and after STARTTLS and has two provider.hint notes, and a refused
// submission port.
func starttlsResult() *checkResult {
	imap := fixtureServer(autoconfig.IMAP, "imap.example.test", 143,
		autoconfig.Finding{Code: "provider.hint", Severity: autoconfig.SeverityWarning, Side: autoconfig.Incoming, Server: "imap.example.test:143", Message: "use an app password"},
		autoconfig.Finding{Code: "provider.hint", Severity: autoconfig.SeverityWarning, Side: autoconfig.Incoming, Server: "imap.example.test:143", Message: "enable IMAP in the settings"})
	a := "192.0.2.10:143"
	imap.Phases = []autoconfig.Phase{
		{Name: "resolve", OK: true}, {Name: "connect", Address: a, OK: true}, {Name: "greeting", Address: a, OK: true},
		{Name: "capabilities", Address: a, OK: true}, {Name: "starttls", Address: a, OK: true}, {Name: "tls", Address: a, OK: true},
		{Name: "capabilities", Address: a, OK: true},
	}
	refused := fixtureServer(autoconfig.SMTP, "smtp.example.test", 587, autoconfig.Finding{Code: probe.CodeConnectRefused, Severity: autoconfig.SeverityError,
		Side: autoconfig.Outgoing, Server: "smtp.example.test:587", Message: "connection refused"})
	refused.Phases = []autoconfig.Phase{{Name: "resolve", OK: true}, {Name: "connect", Address: "192.0.2.10:587", Detail: "refused"}}
	refused.TLS = nil
	rep := fixtureReport("alice@example.test", imap, refused)
	rep.Incoming.Status, rep.Outgoing.Status = autoconfig.StatusWarning, autoconfig.StatusBroken
	return (&checkResult{Target: "alice@example.test", Report: rep}).finish()
}

// TestCheckJUnitOneCaseOneCause: test names are unique in a suite, and a
// refused port is one failure, for the schema, for a parser and for the
// consumer CI systems use.
func TestCheckJUnitOneCaseOneCause(t *testing.T) {
	for _, failOn := range []string{"error", "warning"} {
		var buf bytes.Buffer
		j, _ := newCheckJUnit(checkFormatOptions{w: &buf, failOn: failOn, hostname: "ci.example.test"})
		if err := j.result(starttlsResult()); err != nil {
			t.Fatal(err)
		}
		j.finish(nil)

		var doc struct {
			Suites []struct {
				Failures int `xml:"failures,attr"`
				Cases    []struct {
					Name    string    `xml:"name,attr"`
					Class   string    `xml:"classname,attr"`
					Failure *struct{} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		seen, failures := map[string]bool{}, 0
		for _, c := range doc.Suites[0].Cases {
			if seen[c.Class+" "+c.Name] {
				t.Errorf("--fail-on %s: test %q twice", failOn, c.Name)
			}
			seen[c.Class+" "+c.Name] = true
			if c.Failure != nil {
				failures++
			}
		}
		for _, want := range []string{
			"alice@example.test.incoming imap imap.example.test:143 capabilities 192.0.2.10:143",
			"alice@example.test.incoming imap imap.example.test:143 capabilities after starttls 192.0.2.10:143",
			"alice@example.test.incoming imap imap.example.test:143 provider.hint",
			"alice@example.test.incoming imap imap.example.test:143 provider.hint (2)",
			"alice@example.test.outgoing smtp smtp.example.test:587 net.connect-refused",
		} {
			if !seen[want] {
				t.Errorf("--fail-on %s: no test %q in %v", failOn, want, seen)
			}
		}
		// The refused port, plus the two warnings when they fail.
		want := map[string]int{"error": 1, "warning": 3}[failOn]
		if failures != want || doc.Suites[0].Failures != want {
			t.Errorf("--fail-on %s: %d failures (suite says %d), want %d", failOn, failures, doc.Suites[0].Failures, want)
		}

		xmllint := needTool(t, "xmllint", true)
		if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit", "JUnit.xsd"), writeTemp(t, "j.xml", buf.Bytes())).CombinedOutput(); err != nil {
			t.Errorf("xmllint: %v\n%s", err, out)
		}
		if got := readJUnit(t, buf.Bytes()); got.Failures != want || got.Tests != len(seen) {
			t.Errorf("--fail-on %s: the consumer read %+v", failOn, got)
		}
	}
}
