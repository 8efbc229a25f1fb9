package commands

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// writeDB writes a provider database for --providers-file.
func writeDB(t *testing.T, providers ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "providers.json")
	db := `{"schema":"postino-providers/v2","generated":"test","providers":[` + strings.Join(providers, ",") + `]}`
	if err := os.WriteFile(path, []byte(db), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// entry is one database entry with the given servers.
func entry(id, name, domain, incoming, outgoing string, extra ...string) string {
	more := ""
	if len(extra) > 0 {
		more = "," + strings.Join(extra, ",")
	}
	return fmt.Sprintf(`{"id":%q,"display_name":%q,"domains":[%q],"incoming":[%s],"outgoing":[%s],"sources":[{"file":"test","licence":"MPL-2.0","date":"2026-01-01"}]%s}`,
		id, name, domain, incoming, outgoing, more)
}

func server(proto, host string, port int, security string, extra ...string) string {
	more := ""
	if len(extra) > 0 {
		more = "," + strings.Join(extra, ",")
	}
	return fmt.Sprintf(`{"protocol":%q,"host":%q,"port":%d,"security":%q,"username":"%%EMAILADDRESS%%","source":"test"%s}`, proto, host, port, security, more)
}

func TestProvidersSearchAndShow(t *testing.T) {
	db := writeDB(t,
		entry("mailco", "Mail Co", "mailco.example", server("imap", "imap.mailco.example", 993, "tls"),
			server("smtp", "relay.mailco.example", 25, "none", `"auth":["client-ip-address"]`, `"condition":"only from Mail Co's own access network"`),
			`"hints":[{"kind":"enable","text":"Switch IMAP on first","source":"test"}]`, `"needs":["enable-access"]`),
		entry("other", "Other Mail", "other.example", "", ""),
	)
	out, errOut, status := run("providers", "search", "mail", "--providers-file", db)
	if status != 0 || errOut != "" || !strings.Contains(out, "2 providers match \"mail\"") || strings.Index(out, "mailco") > strings.Index(out, "other") {
		t.Errorf("search: status %d, stderr %q, stdout:\n%s", status, errOut, out)
	}
	out, _, status = run("providers", "search", "nothing-like-it", "--providers-file", db)
	if status != exitProblem || !strings.Contains(out, "no provider") {
		t.Errorf("search without match: status %d, stdout %q", status, out)
	}

	// The flag after the argument, as the Contract wants, and the
	// database named through the environment variable's flag.
	out, errOut, status = run("providers", "show", "alice@mailco.example", "--providers-file", db)
	for _, want := range []string{"Mail Co (mailco)", "1. IMAP imap.mailco.example:993, implicit TLS",
		"1. SMTP relay.mailco.example:25, no encryption", "only from Mail Co's own access network", "Switch IMAP on first", "IMAP/POP access switched on first"} {
		if !strings.Contains(out, want) {
			t.Errorf("show: stdout lacks %q:\n%s", want, out)
		}
	}
	if status != 0 || errOut != "" {
		t.Errorf("show: status %d, stderr %q", status, errOut)
	}
	out, _, status = run("providers", "show", "MailCo", "--format", "json", "--providers-file", db)
	var doc struct {
		Schema, Command, Matched string
		Provider                 struct {
			ID       string
			Outgoing []struct{ Host, Condition string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || status != 0 {
		t.Fatalf("show --format json: %v (status %d):\n%s", err, status, out)
	}
	if doc.Schema != SchemaV1 || doc.Command != "providers show" || doc.Matched != "id" || doc.Provider.ID != "mailco" ||
		len(doc.Provider.Outgoing) != 1 || doc.Provider.Outgoing[0].Condition == "" {
		t.Errorf("show json = %+v", doc)
	}
	_, errOut, status = run("providers", "show", "unknown.example", "--providers-file", db)
	if status != exitProblem || !strings.Contains(errOut, "postino: error: no provider") || !strings.Contains(errOut, "hint: look for it with: postino providers search") {
		t.Errorf("show unknown: status %d, stderr %q", status, errOut)
	}
}

func TestProvidersUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"providers", "bogus"}, "unknown subcommand"},
		{[]string{"providers", "show"}, "exactly one"},
		{[]string{"providers", "search"}, "needs a TEXT"},
		{[]string{"providers", "show", "x.example", "--format", "yaml"}, "want text or json"},
		{[]string{"providers", "show", "x.example", "--providers-file", "/nonexistent.json"}, "providers-file"},
		{[]string{"providers", "verify", "no-such-entry.example"}, "no provider with the id or domain"},
	}
	for _, c := range cases {
		_, stderr, status := run(c.args...)
		if status != exitCannotRun || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q, want 3 and %q", c.args, status, stderr, c.want)
		}
	}
	// A database that does not parse cannot be used: that is "could not run".
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"schema":"postino-providers/v1","providers":[]}`), 0o600)
	if _, stderr, status := run("providers", "search", "x", "--providers-file", bad); status != exitCannotRun || !strings.Contains(stderr, "schema") {
		t.Errorf("bad database: status %d, stderr %q", status, stderr)
	}
}

// verifyWorld is a loopback world for verify: working IMAP, POP3 and SMTP
// servers with certificates from a test CA, a port nobody listens on, and
// a DNS server that names them.
type verifyWorld struct {
	dns, caFile      string
	imap, pop3, smtp int
	dead             int
}

func newVerifyWorld(t *testing.T) *verifyWorld {
	t.Helper()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "imap.good.test", "pop.good.test", "smtp.good.test", "relay.good.test")
	if err != nil {
		t.Fatal(err)
	}
	imap := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()})
	pop3 := probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()})
	smtp := probetest.StartSMTP(t, probetest.SMTPOptions{TLS: probetest.StartTLS, TLSConfig: leaf.TLSConfig(), Domain: "smtp.good.test"})
	// A port that refuses: listen, note it, close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	lo := resolvertest.Records{A: []string{"127.0.0.1"}}
	dns := resolvertest.NewServer(t, resolvertest.Zone{
		"imap.good.test": lo, "pop.good.test": lo, "smtp.good.test": lo, "relay.good.test": lo, "imap.stale.test": lo,
	})
	_, pop3Port, _ := net.SplitHostPort(pop3.Addr)
	var p int
	fmt.Sscan(pop3Port, &p)
	return &verifyWorld{dns: dns.Addr(), caFile: caFile, imap: imap.Port(), pop3: p, smtp: smtp.Port(), dead: dead}
}

func (w *verifyWorld) db(t *testing.T) string {
	good := entry("good", "Good Mail", "good.test",
		server("imap", "imap.good.test", w.imap, "tls")+","+server("pop3", "pop.good.test", w.pop3, "tls"),
		server("smtp", "smtp.good.test", w.smtp, "starttls")+","+
			// The provider's relay for its own network: failing from here
			// is expected and does not make the entry stale.
			server("smtp", "relay.good.test", w.dead, "none", `"auth":["client-ip-address"]`, `"restriction":"client-ip-address"`,
				`"condition":"only from Good Mail's own access network"`))
	stale := entry("stale", "Stale Mail", "stale.test",
		server("imap", "imap.stale.test", w.dead, "tls")+","+server("imap", "imap.good.test", w.imap, "tls"),
		server("smtp", "gone.stale.test", 465, "tls"))
	tor := entry("tor", "Tor Mail", "tor.test", server("imap", "abcdefghijklmnop.onion", 143, "none"), "")
	return writeDB(t, good, stale, tor)
}

func (w *verifyWorld) verify(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	base := []string{"providers", "verify", "--providers-file", db, "--resolver", w.dns, "--ca-file", w.caFile,
		"--timeout", "20s", "--probe-timeout", "5s"}
	return run(append(base, args...)...)
}

func TestProvidersVerify(t *testing.T) {
	w := newVerifyWorld(t)
	db := w.db(t)

	out, errOut, status := w.verify(t, db, "good.test", "tor")
	if status != 0 || errOut != "" {
		t.Errorf("verify good: status %d, stderr %q, stdout:\n%s", status, errOut, out)
	}
	if !hasLine(out, "ok", "good") {
		t.Errorf("verify good: no line says good is ok:\n%s", out)
	}
	for _, want := range []string{"fails from here, as a restricted server may", "only from Good Mail's own access network", "skipped: an .onion address", "2 entries: 1 ok, 1 skipped",
		"facts of 2026-01-01, the oldest is "} {
		if !strings.Contains(out, want) {
			t.Errorf("verify good: stdout lacks %q:\n%s", want, out)
		}
	}

	// Every entry: the stale one says which servers fail and why.
	out, _, status = w.verify(t, db, "--format", "json")
	if status != exitProblem {
		t.Errorf("verify all: status %d, want 2 (one entry is stale)", status)
	}
	var doc verifyReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("verify json: %v\n%s", err, out)
	}
	got := map[string]string{}
	verdicts := map[string]string{}
	for _, e := range doc.Entries {
		got[e.ID] = e.Status
		for _, s := range e.Servers {
			verdicts[e.ID+" "+s.Key()] = s.Verdict
			if s.Probe == nil {
				t.Errorf("%s %s: no probe result", e.ID, s.Key())
			}
		}
	}
	want := map[string]string{"good": entryOK, "stale": entryStale, "tor": entrySkipped}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("entry %s: status %q, want %q", id, got[id], st)
		}
	}
	wantVerdicts := map[string]string{
		fmt.Sprintf("good imap imap.good.test:%d tls", w.imap):      verdictOK,
		fmt.Sprintf("good pop3 pop.good.test:%d tls", w.pop3):       verdictOK,
		fmt.Sprintf("good smtp smtp.good.test:%d starttls", w.smtp): verdictOK,
		fmt.Sprintf("good smtp relay.good.test:%d none", w.dead):    verdictExpected,
		fmt.Sprintf("stale imap imap.stale.test:%d tls", w.dead):    verdictFailed,
		fmt.Sprintf("stale imap imap.good.test:%d tls", w.imap):     verdictOK,
		"stale smtp gone.stale.test:465 tls":                        verdictFailed,
		"tor imap abcdefghijklmnop.onion:143 none":                  verdictSkipped,
	}
	for k, v := range wantVerdicts {
		if verdicts[k] != v {
			t.Errorf("%s: verdict %q, want %q", k, verdicts[k], v)
		}
	}
	for _, e := range doc.Entries {
		// The test entries' facts are dated 2026-01-01.
		d, _ := autoconfig.SourceAge("2026-01-01", time.Now())
		if days := int(d.Hours() / 24); e.CheckedOldest != "2026-01-01" || e.AgeDays == nil || *e.AgeDays < days-1 || *e.AgeDays > days {
			t.Errorf("%s: checked %q, age %v days, want 2026-01-01, %d", e.ID, e.CheckedOldest, e.AgeDays, days)
		}
	}
	if doc.Schema != SchemaV1 || doc.Command != "providers verify" || doc.Summary[entryStale] != 1 {
		t.Errorf("envelope %s %s, summary %v", doc.Schema, doc.Command, doc.Summary)
	}

	out, _, _ = w.verify(t, db, "stale")
	if !hasLine(out, "stale", "stale") {
		t.Errorf("verify stale: no line says stale is stale:\n%s", out)
	}
	for _, want := range []string{"refused", "nxdomain"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify stale: stdout lacks %q:\n%s", want, out)
		}
	}
}

// TestProvidersVerifyCannotRun: with a DNS server that never answers,
// verify learns nothing about the entries: exit status 3, not "stale".
func TestProvidersVerifyCannotRun(t *testing.T) {
	w := newVerifyWorld(t)
	db := w.db(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0") // takes questions, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	_, stderr, status := run("providers", "verify", "good", "--providers-file", db, "--resolver", pc.LocalAddr().String(),
		"--probe-timeout", "300ms", "--timeout", "5s")
	if status != exitCannotRun || !strings.Contains(stderr, "resolver did not answer") {
		t.Errorf("status %d, stderr %q, want 3 and the resolver named", status, stderr)
	}
}

// hasLine reports whether a line of out has these words first, in order.
func hasLine(out string, words ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= len(words) && strings.Join(f[:len(words)], " ") == strings.Join(words, " ") {
			return true
		}
	}
	return false
}

// TestProvidersShowSources: show says per fact group where it comes from
// and when that was checked, the overlay's facts with their pages, and
// search --relays lists the line relays with theirs.
func TestProvidersShowSources(t *testing.T) {
	const page = "https://mailco.example/help"
	db := filepath.Join(t.TempDir(), "providers.json")
	doc := `{"schema":"postino-providers/v2","generated":"test","providers":[
	 {"id":"mailco","display_name":"Mail Co","domains":["mailco.example"],
	  "incoming":[{"protocol":"imap","host":"imap.mailco.example","port":993,"security":"tls","source":"ispdb/mailco.example.xml"}],
	  "outgoing":[{"protocol":"smtp","host":"smtp.mailco.example","port":587,"security":"starttls","source":"overlay.json#mailco-587"}],
	  "hints":[{"kind":"enable","text":"IMAP is always on","url":"` + page + `","source":"overlay.json#mailco-587"}],
	  "sources":[{"file":"ispdb/mailco.example.xml","licence":"MPL-2.0","date":"2025-01-01"},
	   {"file":"overlay.json#mailco-587","licence":"MPL-2.0","date":"2026-12-06","urls":["` + page + `"],"note":"Mail Co says so","unverified":"the port"}]}],
	 "line_relays":[{"name":"Mail Co Lines","provider":"mailco","server":{"protocol":"smtp","host":"relay.mailco.example","port":25,"security":"none","auth":["client-ip-address"]},
	  "note":"for its own lines","source":"overlay.json#mailco-relay","urls":["` + page + `"],"checked":"2026-12-06"}]}`
	if err := os.WriteFile(db, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, status := run("providers", "show", "mailco", "--providers-file", db)
	for _, want := range []string{
		"from Thunderbird ISPDB (ispdb/mailco.example.xml, copy of 2025-01-01)",
		"enable, from postino's overlay (mailco-587, " + page + ", checked 2026-12-06; unverified: the port)",
		"2025-01-01 to 2026-12-06; the oldest is ",
		"Mail Co Lines: SMTP relay.mailco.example:25, no encryption, no login (client-ip-address)",
		"Mail Co says so",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show: stdout lacks %q:\n%s", want, out)
		}
	}
	if status != 0 || errOut != "" {
		t.Errorf("show: status %d, stderr %q", status, errOut)
	}
	out, _, status = run("providers", "show", "mailco", "--format", "json", "--providers-file", db)
	var shown showReport
	if err := json.Unmarshal([]byte(out), &shown); err != nil || status != 0 {
		t.Fatalf("show json: %v (status %d)\n%s", err, status, out)
	}
	if shown.CheckedOldest != "2025-01-01" || shown.CheckedNewest != "2026-12-06" || len(shown.LineRelays) != 1 ||
		shown.Provider.Sources[1].URLs[0] != page {
		t.Errorf("show json: %+v", shown)
	}

	out, _, status = run("providers", "search", "--relays", "--providers-file", db)
	if status != 0 || !strings.Contains(out, "1 line relay") || !strings.Contains(out, "[entry mailco]") || !strings.Contains(out, page+", checked 2026-12-06") {
		t.Errorf("search --relays: status %d\n%s", status, out)
	}
	out, _, status = run("providers", "search", "--relays", "nowhere", "--format", "json", "--providers-file", db)
	var rel relaysReport
	if err := json.Unmarshal([]byte(out), &rel); err != nil || status != exitProblem || rel.LineRelays == nil || len(rel.LineRelays) != 0 {
		t.Errorf("search --relays without match: status %d, %v\n%s", status, err, out)
	}
}

// TestProvidersShowBuiltInAdvice: the committed database shows
// Outlook.com's corrected advice with the pages it rests on (issue 13's
// M1 and M2), and no app password.
func TestProvidersShowBuiltInAdvice(t *testing.T) {
	out, _, status := run("providers", "show", "outlook.com", "--providers-file", "../providers.json")
	for _, want := range []string{
		"OAuth2 sign-in (no password login)",
		"postino's overlay (outlook-oauth2-only, https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353",
		"from Thunderbird ISPDB (ispdb/hotmail.com.xml, copy of 2026-03-12)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	needs := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  needs") {
			needs = l
		}
	}
	if status != 0 || needs == "" || strings.Contains(needs, "app password") {
		t.Errorf("status %d, needs line %q", status, needs)
	}
}
