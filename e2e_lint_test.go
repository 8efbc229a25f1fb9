package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// The lint scenario domains: one publishes everything right, each other
// one publishes one mistake. Mail is the shared Dovecot and Postfix on
// mailIP; the documents are on webIP.
//
//	good.test       autoconfig, autodiscover (POST), SRV and an ISPDB entry, all agreeing
//	badschema.test  an autoconfig file invalid against the draft's schema
//	getonly.test    an autodiscover that answers GET only
//	srvnoaddr.test  an SRV target without an address
//	httponly.test   autoconfig over plain http only
//	disagree.test   autoconfig, SRV and the ISPDB entry name different servers
//	srvprio.test    SRV priorities that prefer STARTTLS to implicit TLS
//	wrongcert.test  autoconfig.wrongcert.test answers with the world's shared
//	                certificate, which does not name it (a virtual host
//	                without its own certificate)
//
// The documents are also served over plain http (worldExtra.web), as
// many servers do; httponly.test's only there.
func withLintDomains() worldOption {
	a := func(ip string) resolvertest.Records { return resolvertest.Records{A: []string{ip}} }
	srv := func(target string, port uint16, prio uint16) resolvertest.Records {
		return resolvertest.Records{SRV: []resolvertest.SRV{{Target: target, Port: port, Priority: prio, Weight: 1}}}
	}
	none := resolvertest.Records{SRV: []resolvertest.SRV{{Target: ".", Port: 0}}}
	const xml = "application/xml"
	x := worldExtra{
		zone: resolvertest.Zone{
			"mail.good.test": a(mailIP), "autoconfig.good.test": a(webIP), "autodiscover.good.test": a(webIP),
			"_imaps._tcp.good.test": srv("mail.good.test", 993, 0), "_submissions._tcp.good.test": srv("mail.good.test", 465, 0),
			"_imap._tcp.good.test": none, "_pop3s._tcp.good.test": none, "_pop3._tcp.good.test": none, "_submission._tcp.good.test": none,

			"mail.badschema.test": a(mailIP), "autoconfig.badschema.test": a(webIP),
			"mail.getonly.test": a(mailIP), "autodiscover.getonly.test": a(webIP),
			"mail.srvnoaddr.test":        a(mailIP),
			"_imaps._tcp.srvnoaddr.test": srv("imap.srvnoaddr.test", 993, 0), "_submissions._tcp.srvnoaddr.test": srv("mail.srvnoaddr.test", 465, 0),
			"mail.httponly.test": a(mailIP), "autoconfig.httponly.test": a(webIP),
			"mail.disagree.test": a(mailIP), "imap.disagree.test": a(mailIP), "autoconfig.disagree.test": a(webIP),
			"_imaps._tcp.disagree.test": srv("imap.disagree.test", 993, 0), "_submission._tcp.disagree.test": srv("mail.disagree.test", 587, 0),
			"mail.wrongcert.test": a(mailIP), "autoconfig.wrongcert.test": a(webIP),
			"mail.srvprio.test":       a(mailIP),
			"_imap._tcp.srvprio.test": srv("mail.srvprio.test", 143, 0), "_imaps._tcp.srvprio.test": srv("mail.srvprio.test", 993, 10),
			"_submission._tcp.srvprio.test": srv("mail.srvprio.test", 587, 0), "_submissions._tcp.srvprio.test": srv("mail.srvprio.test", 465, 10),
			"_pop3._tcp.srvprio.test": none, "_pop3s._tcp.srvprio.test": none,
		},
		web: map[string]http.HandlerFunc{
			"autoconfig.good.test/mail/config-v1.1.xml":            serveDoc(xml, lintAutoconfig("good.test", 993, 465)),
			"autodiscover.good.test/autodiscover/autodiscover.xml": serveDoc("text/xml; charset=utf-8", lintPOX("mail.good.test")),
			"autoconfig.badschema.test/mail/config-v1.1.xml": serveDoc(xml, strings.Replace(strings.Replace(lintAutoconfig("badschema.test", 993, 465),
				`<clientConfig version="1.1">`, `<clientConfig>`, 1), `<emailProvider id="badschema.test">`, `<emailProvider>`, 1)),
			"autodiscover.getonly.test/autodiscover/autodiscover.xml": serveGETOnly("text/xml", lintPOX("mail.getonly.test")),
			"autoconfig.disagree.test/mail/config-v1.1.xml":           serveDoc(xml, lintAutoconfig("disagree.test", 993, 465)),
			"ispdb.test/v1.1/good.test":                               serveDoc(xml, lintAutoconfig("good.test", 993, 465)),
			"ispdb.test/v1.1/disagree.test": serveDoc(xml, strings.Replace(lintAutoconfig("disagree.test", 993, 465),
				"<port>465</port><socketType>SSL</socketType>", "<port>587</port><socketType>STARTTLS</socketType>", 1)),
			"http://autoconfig.httponly.test/mail/config-v1.1.xml": serveDoc(xml, lintAutoconfig("httponly.test", 993, 465)),
		},
		names: []string{"mail.good.test", "autoconfig.good.test", "autodiscover.good.test", "mail.badschema.test", "autoconfig.badschema.test",
			"mail.getonly.test", "autodiscover.getonly.test", "mail.srvnoaddr.test", "mail.httponly.test", "autoconfig.httponly.test",
			"mail.disagree.test", "imap.disagree.test", "autoconfig.disagree.test", "mail.wrongcert.test", "mail.srvprio.test"},
	}
	return withExtra(x)
}

// lintAutoconfig is a correct clientConfig for d: IMAP and SMTP on mail.d
// with implicit TLS.
func lintAutoconfig(d string, imapPort, smtpPort int) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="%[1]s">
    <domain>%[1]s</domain>
    <displayName>%[1]s mail</displayName>
    <incomingServer type="imap">
      <hostname>mail.%[1]s</hostname><port>%[2]d</port><socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>mail.%[1]s</hostname><port>%[3]d</port><socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>`, d, imapPort, smtpPort)
}

// lintPOX is a correct Outlook POX answer: IMAP 993 and SMTP 465 on host.
func lintPOX(host string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>
      <Protocol><Type>IMAP</Type><Server>` + host + `</Server><Port>993</Port><SPA>off</SPA><Encryption>SSL</Encryption><AuthRequired>on</AuthRequired></Protocol>
      <Protocol><Type>SMTP</Type><Server>` + host + `</Server><Port>465</Port><SPA>off</SPA><Encryption>SSL</Encryption><AuthRequired>on</AuthRequired></Protocol>
    </Account>
  </Response>
</Autodiscover>`
}

// lintJSON is the part of postino lint's JSON the tests read.
type lintJSON struct {
	Schema, Command, Status string
	Duration                float64 `json:"duration_ms"`
	Clients                 []struct {
		Client, Status, Source, Query string
		Incoming, Outgoing            *struct {
			Host  string
			Port  int
			Works bool
		}
		Problems, Publish []string
	}
	Publications []struct {
		Source, Query string
		SchemaValid   *bool `json:"schema_valid"`
	}
	Findings []struct{ Code, Severity, Message string }
}

func (r *lintJSON) codes() []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

// row pins one client's row: status, source, and the host:port of each
// side ("" for none).
type row struct{ status, source, in, out string }

func (r *lintJSON) row(client string) row {
	for _, c := range r.Clients {
		if c.Client == client {
			got := row{status: c.Status, source: c.Source}
			if c.Incoming != nil {
				got.in = fmt.Sprintf("%s:%d", c.Incoming.Host, c.Incoming.Port)
			}
			if c.Outgoing != nil {
				got.out = fmt.Sprintf("%s:%d", c.Outgoing.Host, c.Outgoing.Port)
			}
			return got
		}
	}
	return row{}
}

// TestLintEndToEnd runs the built binary's lint on every scenario domain
// of the real world and holds its verdict, findings and matrix.
func TestLintEndToEnd(t *testing.T) {
	w := startWorld(t, withLintDomains())
	common := []string{"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", w.ispdb, "--timeout", "30s", "--probe-timeout", "5s"}
	domains := []struct {
		domain string
		status string
		exit   int
		want   []string // finding codes that must be there
		rows   map[string]row
	}{
		{"good.test", "ok", 0, nil, map[string]row{
			"thunderbird": {"ok", "autoconfig", "mail.good.test:993", "mail.good.test:465"},
			"k9":          {"ok", "autoconfig", "mail.good.test:993", "mail.good.test:465"},
			"deltachat":   {"ok", "autoconfig", "mail.good.test:993", "mail.good.test:465"},
			"outlook":     {"ok", "autodiscover", "mail.good.test:993", "mail.good.test:465"},
		}},
		{"badschema.test", "broken", 2, []string{"lint.autoconfig-invalid"}, map[string]row{
			"thunderbird": {"ok", "autoconfig", "mail.badschema.test:993", "mail.badschema.test:465"},
			"k9":          {"ok", "autoconfig", "mail.badschema.test:993", "mail.badschema.test:465"},
			"deltachat":   {"ok", "autoconfig", "mail.badschema.test:993", "mail.badschema.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"getonly.test", "broken", 2, []string{"lint.autodiscover-get-only"}, map[string]row{
			"thunderbird": {"warning", "guess", "mail.getonly.test:993", "mail.getonly.test:465"},
			"k9":          {"broken", "", "", ""},
			"deltachat":   {"ok", "autodiscover", "mail.getonly.test:993", "mail.getonly.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"srvnoaddr.test", "broken", 2, []string{"lint.srv-target-no-address", "lint.srv-undeclared"}, map[string]row{
			"thunderbird": {"warning", "guess", "mail.srvnoaddr.test:993", "mail.srvnoaddr.test:465"},
			"k9":          {"broken", "", "", ""},
			"deltachat":   {"warning", "", "mail.srvnoaddr.test:993", "mail.srvnoaddr.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"httponly.test", "broken", 2, []string{"lint.autoconfig-http-only"}, map[string]row{
			"thunderbird": {"warning", "autoconfig-http", "mail.httponly.test:993", "mail.httponly.test:465"},
			"k9":          {"warning", "autoconfig-http", "mail.httponly.test:993", "mail.httponly.test:465"},
			"deltachat":   {"warning", "", "mail.httponly.test:993", "mail.httponly.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"disagree.test", "broken", 2, []string{"lint.sources-disagree"}, map[string]row{
			"thunderbird": {"warning", "autoconfig", "mail.disagree.test:993", "mail.disagree.test:465"},
			"k9":          {"warning", "autoconfig", "mail.disagree.test:993", "mail.disagree.test:465"},
			"deltachat":   {"warning", "autoconfig", "mail.disagree.test:993", "mail.disagree.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"srvprio.test", "broken", 2, []string{"lint.srv-priority"}, map[string]row{
			"thunderbird": {"warning", "guess", "mail.srvprio.test:993", "mail.srvprio.test:465"},
			"k9":          {"broken", "", "", ""},
			"deltachat":   {"warning", "", "mail.srvprio.test:993", "mail.srvprio.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
		{"wrongcert.test", "broken", 2, []string{"lint.https-certificate"}, map[string]row{
			"thunderbird": {"warning", "guess", "mail.wrongcert.test:993", "mail.wrongcert.test:465"},
			"k9":          {"broken", "", "", ""},
			"deltachat":   {"warning", "", "mail.wrongcert.test:993", "mail.wrongcert.test:465"},
			"outlook":     {"broken", "", "", ""},
		}},
	}
	reports := map[string]*lintJSON{}
	for _, d := range domains {
		args := append([]string{"lint", d.domain, "--format", "json"}, common...)
		out, stderr, status, _ := runPostino(t, 2*time.Minute, args...)
		var r lintJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v\n%s%s", d.domain, err, out, stderr)
		}
		reports[d.domain] = &r
		t.Logf("postino lint %s: %s in %.0f ms, exit %d, findings %v", d.domain, r.Status, r.Duration, status, r.codes())
		if r.Schema != "postino/v1" || r.Command != "lint" || r.Status != d.status || status != d.exit {
			t.Errorf("%s: schema %q command %q status %q exit %d, want %s exit %d\n%s", d.domain, r.Schema, r.Command, r.Status, status, d.status, d.exit, stderr)
		}
		for _, code := range d.want {
			if !slices.Contains(r.codes(), code) {
				t.Errorf("%s: findings %v lack %s", d.domain, r.codes(), code)
			}
		}
		if d.domain == "good.test" && len(r.Findings) != 0 {
			t.Errorf("good.test: findings %+v, want none", r.Findings)
		}
	}
	// One subtest per client pins its row on every domain.
	for _, client := range []string{"thunderbird", "k9", "deltachat", "outlook"} {
		t.Run(client, func(t *testing.T) {
			for _, d := range domains {
				if got := reports[d.domain].row(client); got != d.rows[client] {
					t.Errorf("%s: row %+v, want %+v", d.domain, got, d.rows[client])
				}
			}
		})
	}
	lintFindingDetails(t, reports)
	lintOtherFormats(t, common)
}

// lintFindingDetails holds the messages that name both sides of a
// problem.
func lintFindingDetails(t *testing.T, reports map[string]*lintJSON) {
	t.Helper()
	msgs := func(domain, code string) []string {
		var out []string
		for _, f := range reports[domain].Findings {
			if f.Code == code {
				out = append(out, f.Message)
			}
		}
		return out
	}
	// Incoming: SRV names imap.disagree.test; outgoing: the ISPDB and SRV
	// name 587 STARTTLS against autoconfig's 465.
	m := strings.Join(msgs("disagree.test", "lint.sources-disagree"), "\n")
	for _, want := range []string{
		"incoming: autoconfig https://autoconfig.disagree.test/mail/config-v1.1.xml names imap mail.disagree.test:993 (tls), srv _imaps/_imap/_pop3s/_pop3/_submissions/_submission names imap imap.disagree.test:993 (tls)",
		"outgoing: autoconfig https://autoconfig.disagree.test/mail/config-v1.1.xml names smtp mail.disagree.test:465 (tls), ispdb https://ispdb.test/v1.1/disagree.test names smtp mail.disagree.test:587 (starttls)",
		"outgoing: autoconfig https://autoconfig.disagree.test/mail/config-v1.1.xml names smtp mail.disagree.test:465 (tls), srv _imaps/_imap/_pop3s/_pop3/_submissions/_submission names smtp mail.disagree.test:587 (starttls)",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("disagree.test: sources-disagree lacks %q:\n%s", want, m)
		}
	}
	if n := len(msgs("disagree.test", "lint.sources-disagree")); n != 3 {
		t.Errorf("disagree.test: %d sources-disagree findings, want 3", n)
	}
	if n := len(msgs("srvprio.test", "lint.srv-priority")); n != 2 {
		t.Errorf("srvprio.test: %d srv-priority findings (IMAP and submission), want 2", n)
	}
	if m := msgs("wrongcert.test", "lint.https-certificate"); len(m) != 1 || !strings.Contains(m[0], "autoconfig.wrongcert.test") ||
		!strings.Contains(m[0], "not autoconfig.wrongcert.test") {
		t.Errorf("wrongcert.test: https-certificate %q", m)
	}
	if m := msgs("srvnoaddr.test", "lint.srv-target-no-address"); len(m) != 1 || !strings.Contains(m[0], "imap.srvnoaddr.test") {
		t.Errorf("srvnoaddr.test: srv-target-no-address %q", m)
	}
	for _, p := range reports["badschema.test"].Publications {
		if p.Source == "autoconfig" && (p.SchemaValid == nil || *p.SchemaValid) {
			t.Errorf("badschema.test: autoconfig publication schema_valid %v", p.SchemaValid)
		}
	}
	for _, p := range reports["good.test"].Publications {
		if p.Source == "autoconfig" && (p.SchemaValid == nil || !*p.SchemaValid) {
			t.Errorf("good.test: autoconfig publication schema_valid %v", p.SchemaValid)
		}
	}
}

// lintOtherFormats: text shows the matrix, github annotates, and
// --fail-on warning turns warnings into exit 1.
func lintOtherFormats(t *testing.T, common []string) {
	t.Helper()
	out, _, status, _ := runPostino(t, 2*time.Minute, append([]string{"lint", "good.test"}, common...)...)
	if status != 0 || !strings.Contains(out, "client") || !strings.Contains(out, "Delta Chat") || !strings.Contains(out, "no problems found") {
		t.Errorf("text, good.test: exit %d\n%s", status, out)
	}
	t.Logf("postino lint good.test\n%s", out)
	for _, d := range []string{"getonly.test", "disagree.test", "wrongcert.test", "srvnoaddr.test", "httponly.test", "badschema.test", "srvprio.test"} {
		out, _, status, _ := runPostino(t, 2*time.Minute, append([]string{"lint", d}, common...)...)
		if status != 2 || !strings.Contains(out, "publish: ") {
			t.Errorf("text, %s: exit %d, want 2 and what to publish\n%s", d, status, out)
		}
		t.Logf("postino lint %s (exit %d)\n%s", d, status, out)
	}
	out, _, status, _ = runPostino(t, 2*time.Minute, append([]string{"lint", "getonly.test", "--format", "github"}, common...)...)
	if status != 2 || !strings.Contains(out, "::error title=postino lint getonly.test lint.autodiscover-get-only::") ||
		!strings.Contains(out, "::error title=postino lint getonly.test outlook::") {
		t.Errorf("github, getonly.test: exit %d\n%s", status, out)
	}
	out, _, status, _ = runPostino(t, 2*time.Minute, append([]string{"lint", "getonly.test", "-v"}, common...)...)
	if status != 2 || !strings.Contains(out, "→ found     GET https://autodiscover.getonly.test/autodiscover/autodiscover.xml") ||
		!strings.Contains(out, "  error     https://autodiscover.getonly.test/autodiscover/autodiscover.xml HTTP 405") {
		t.Errorf("-v, getonly.test: exit %d, want each client's steps\n%s", status, out)
	}
	_, _, status, _ = runPostino(t, 2*time.Minute, append([]string{"lint", "alice@good.test", "--fail-on", "warning"}, common...)...)
	if status != 0 {
		t.Errorf("alice@good.test --fail-on warning: exit %d, want 0", status)
	}
}
