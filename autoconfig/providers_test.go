package autoconfig

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testDB is a small database in the providers.json format.
const testDB = `{"schema":"postino-providers/v2","generated":"by hand, for tests","providers":[
 {"id":"mailco","display_name":"Mail Co","domains":["mailco.example","*.hosted.example","*.deep.hosted.example"],
  "mx_suffixes":[".mx.mailco.example",".mailco.*"],
  "incoming":[{"protocol":"imap","host":"%EMAILDOMAIN%","port":993,"security":"tls","username":"%EMAILLOCALPART%","auth":["password-cleartext"],"source":"t"}],
  "outgoing":[{"protocol":"smtp","host":"relay.mailco.example","port":25,"security":"none","auth":["client-ip-address"],
    "restriction":"client-ip-address","condition":"only from Mail Co's own access network","source":"t"}],
  "hints":[{"kind":"enable","text":"Switch IMAP on first","url":"https://mailco.example/settings","source":"t"}],
  "problems":[{"text":"a test problem","source":"t"}],
  "sources":[{"file":"t","licence":"MPL-2.0","date":"2026-01-01"}]},
 {"id":"deep","display_name":"Deep Hosting","domains":["*.deep.example"],"mx_suffixes":[".long.mx.mailco.example"],
  "incoming":[],"outgoing":[],"sources":[]},
 {"id":"googlemail.com","display_name":"Google Mail","domains":["gmail.com","googlemail.com"],"incoming":[],"outgoing":[],"sources":[]}
]}`

func parseTestDB(t *testing.T) *ProviderDB {
	t.Helper()
	db, err := ParseProviders([]byte(testDB))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestParseProvidersErrors(t *testing.T) {
	entry := func(fields string) string {
		return `{"schema":"postino-providers/v2","providers":[{"id":"x","display_name":"X","domains":["x.example"],` + fields + `}]}`
	}
	imap := `{"protocol":"imap","host":"imap.x.example","port":993,"security":"tls"}`
	cases := []struct{ name, in, want string }{
		{"not json", `{`, "unexpected end"},
		{"old schema", `{"schema":"postino-providers/v1","providers":[]}`, "schema"},
		{"no id", `{"schema":"postino-providers/v2","providers":[{"display_name":"X","domains":["x.example"]}]}`, "no id"},
		{"no domains", `{"schema":"postino-providers/v2","providers":[{"id":"x","display_name":"X"}]}`, "neither domains"},
		{"bad domain", entry(`"incoming":[]` + `,"mx_suffixes":["x.example"]`), "does not start with a dot"},
		{"smtp as incoming", entry(`"incoming":[{"protocol":"smtp","host":"s.x.example","port":465,"security":"tls"}]`), "listed as incoming"},
		{"imap as outgoing", entry(`"outgoing":[` + imap + `]`), "listed as outgoing"},
		{"bad host", entry(`"incoming":[{"protocol":"imap","host":"http://x.example/","port":993,"security":"tls"}]`), "is a URL"},
		{"bad port", entry(`"incoming":[{"protocol":"imap","host":"imap.x.example","port":0,"security":"tls"}]`), "port 0"},
		{"bad security", entry(`"incoming":[{"protocol":"imap","host":"imap.x.example","port":993,"security":"ssl"}]`), "unknown security"},
		{"broken placeholder", entry(`"incoming":[{"protocol":"imap","host":"imap.x.example","port":993,"security":"tls","username":"%EMAILADDRESS"}]`), "without its closing"},
		{"id twice", `{"schema":"postino-providers/v2","providers":[{"id":"x","display_name":"X","domains":["a.example"]},{"id":"X","display_name":"Y","domains":["b.example"]}]}`, "appears twice"},
		{"domain twice", `{"schema":"postino-providers/v2","providers":[{"id":"x","display_name":"X","domains":["a.example"]},{"id":"y","display_name":"Y","domains":["A.example"]}]}`, "in both"},
	}
	for _, c := range cases {
		_, err := ParseProviders([]byte(c.in))
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrSyntax mentioning %q", c.name, err, c.want)
		}
	}
}

func TestProviderLookup(t *testing.T) {
	db := parseTestDB(t)
	cases := []struct{ domain, want string }{
		{"mailco.example", "mailco"},
		{"MailCo.Example.", "mailco"},        // case and a final dot
		{"shop.hosted.example", "mailco"},    // wildcard
		{"a.b.hosted.example", "mailco"},     // any depth below it
		{"hosted.example", ""},               // a wildcard is for subdomains only
		{"x.deep.hosted.example", "mailco"},  // the nearer wildcard, same entry
		{"shop.deep.example", "deep"},        // another entry's wildcard
		{"other.example", ""},                // not listed
		{"gmail.com", "googlemail.com"},      // exact
		{"ünïcode.hosted.example", "mailco"}, // IDN in A-label form
		{"xn--ncode-kva1b.hosted.example", "mailco"},
	}
	for _, c := range cases {
		got := ""
		if p := db.Lookup(c.domain); p != nil {
			got = p.ID
		}
		if got != c.want {
			t.Errorf("Lookup(%q) = %q, want %q", c.domain, got, c.want)
		}
	}
	if db.ByID("GoogleMail.com") == nil || db.ByID("gmail.com") != nil {
		t.Error("ByID: want case-insensitive ids and no domain matching")
	}
}

func TestProviderByMX(t *testing.T) {
	db := parseTestDB(t)
	cases := []struct{ host, want string }{
		{"in1.mx.mailco.example", "mailco"},
		{"mx.mailco.example.", "mailco"},       // the suffix's own name
		{"in1.long.mx.mailco.example", "deep"}, // the longest suffix wins
		{"mx00.mailco.co.uk", "mailco"},        // ".mailco.*": any public suffix
		{"mx00.mailco.de", "mailco"},           //
		{"mailco.evil.example", ""},            // "mailco" not before the public suffix
		{"notmx.mailco.example.com", ""},       //
		{"aspmx.l.google.com", ""},             // no suffix claims it here
	}
	for _, c := range cases {
		got := ""
		if p := db.ByMX(c.host); p != nil {
			got = p.ID
		}
		if got != c.want {
			t.Errorf("ByMX(%q) = %q, want %q", c.host, got, c.want)
		}
	}
}

func TestProviderSearch(t *testing.T) {
	db := parseTestDB(t)
	cases := []struct{ q, want string }{
		{"mailco", "mailco:id"},
		{"MAIL", "mailco:id googlemail.com:name"}, // an id prefix, then a word of a name; any case
		{"google", "googlemail.com:id"},
		{"gmail.com", "googlemail.com:domain"},
		{"co", "mailco:name googlemail.com:id"}, // a word of "Mail Co" before inside an id
		{"hosting", "deep:name"},
		{"", ""},
		{"zzz", ""},
	}
	for _, c := range cases {
		var got []string
		for _, m := range db.Search(c.q) {
			got = append(got, m.Provider.ID+":"+m.Field)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("Search(%q) = %q, want %q", c.q, g, c.want)
		}
	}
}

func TestProviderServersFor(t *testing.T) {
	db := parseTestDB(t)
	p := db.Lookup("mailco.example")
	got := p.Servers(Address{Local: "alice", Domain: "shop.hosted.example"})
	if len(got) != 2 || got[0].Host != "shop.hosted.example" || got[0].Username != "alice" || got[1].Host != "relay.mailco.example" {
		t.Errorf("Servers = %v", got)
	}
	// Without a mailbox name the address placeholders stay templates.
	got = p.Servers(Address{Domain: "mailco.example"})
	if got[0].Username != "%EMAILLOCALPART%" || got[0].Host != "mailco.example" {
		t.Errorf("Servers for a bare domain = %v", got)
	}
	// The result is a copy: changing it leaves the database alone.
	got[0].Auth[0] = AuthNone
	if p.Incoming[0].Auth[0] != AuthPasswordCleartext {
		t.Error("Servers shares its Auth slice with the database")
	}
}

// TestProviderLookupHooks: the discovery hooks put the entry's hints into
// notes and findings, and state the relay's condition.
func TestProviderLookupHooks(t *testing.T) {
	db := parseTestDB(t)
	addr := Address{Local: "alice", Domain: "mailco.example"}
	lk := db.lookupDomain(addr)
	if lk.Source != SourceProviders || lk.Outcome != OutcomeFound || !lk.Trusted || len(lk.Servers) != 2 {
		t.Fatalf("lookupDomain = %+v", lk)
	}
	notes := strings.Join(lk.Notes, "\n")
	for _, want := range []string{"provider Mail Co (mailco)", "enable: Switch IMAP on first", "only from Mail Co's own access network", "a test problem"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	var hint, relay *Finding
	for i, f := range lk.Findings {
		switch f.Code {
		case CodeProviderHint:
			hint = &lk.Findings[i]
		case CodeProviderRestricted:
			relay = &lk.Findings[i]
		}
	}
	if hint == nil || hint.Severity != SeverityInfo || hint.Side != Discovery || hint.Message != "Mail Co: Switch IMAP on first (source: t, checked 2026-01-01)" || hint.Hint != "see https://mailco.example/settings" {
		t.Errorf("hint finding %+v", hint)
	}
	if relay == nil || relay.Side != Outgoing || relay.Server != "relay.mailco.example:25" ||
		relay.Message != "only from Mail Co's own access network (source: t, checked 2026-01-01)" {
		t.Errorf("relay finding %+v", relay)
	}

	if lk := db.lookupDomain(Address{Domain: "unknown.example"}); lk.Outcome != OutcomeNone || lk.ErrorKind != "not-listed" {
		t.Errorf("unknown domain: %+v", lk)
	}
	if lk := db.lookupDomain(Address{Domain: "x.deep.example"}); lk.Outcome != OutcomeNone || lk.ErrorKind != "no-servers" {
		t.Errorf("entry without servers: %+v", lk)
	}
	mlk, ok := db.lookupMX(Address{Local: "bob", Domain: "customer.example"}, "in1.mx.mailco.example")
	if !ok || mlk.Source != SourceMX || mlk.Servers[0].Host != "customer.example" || !strings.Contains(mlk.Notes[0], "matched *.mx.mailco.example") {
		t.Errorf("lookupMX = %+v, %v", mlk, ok)
	}
	if _, ok := db.lookupMX(addr, "mx.other.example"); ok {
		t.Error("lookupMX matched an unknown MX host")
	}
	// No MX suffix claims it, but the host lies under a listed domain.
	mlk, ok = db.lookupMX(Address{Local: "bob", Domain: "customer.example"}, "mx2.mail.gmail.com")
	if !ok || len(mlk.Notes) == 0 || mlk.Notes[0] != "the MX host mx2.mail.gmail.com lies under gmail.com, a domain of Google Mail (googlemail.com)" {
		t.Errorf("lookupMX by domain = %+v, %v", mlk, ok)
	}
	// An MX inside the account's own organisation says nothing new.
	if _, ok := db.lookupMX(Address{Domain: "gmail.com"}, "mx.gmail.com"); ok {
		t.Error("lookupMX matched the domain's own MX host")
	}
}

// TestProviderSourcesCited: facts name their data set in words, with the
// date, and the overlay's with the pages it rests on; source ages read
// Delta Chat's month-only dates.
func TestProviderSourcesCited(t *testing.T) {
	p := &Provider{Sources: []ProviderSource{
		{File: "ispdb/gmx.net.xml", Date: "2026-03-12"},
		{File: "deltachat/gmx.net.md", Date: "2024-11"},
		{File: "overlay.json#fix", Date: "2026-12-06", URLs: []string{"https://example.org/a"}, Unverified: "the port"},
	}}
	cases := map[string]string{
		"ispdb/gmx.net.xml":    "Thunderbird ISPDB (ispdb/gmx.net.xml, copy of 2026-03-12)",
		"deltachat/gmx.net.md": "Delta Chat provider notes (deltachat/gmx.net.md, checked 2024-11)",
		"overlay.json#fix":     "postino's overlay (fix, https://example.org/a, checked 2026-12-06; unverified: the port)",
		"missing":              "missing",
	}
	for file, want := range cases {
		if got := p.CiteSource(file); got != want {
			t.Errorf("CiteSource(%s) = %q, want %q", file, got, want)
		}
	}
	if o, n := p.Checked(); o != "2024-11" || n != "2026-12-06" {
		t.Errorf("Checked = %s, %s", o, n)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if d, ok := SourceAge("2024-11", now); !ok || d != now.Sub(time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("SourceAge(2024-11) = %v, %v", d, ok)
	}
	if _, ok := SourceAge("last year", now); ok {
		t.Error("SourceAge parsed words")
	}
}

// TestLineRelays: the database's line relays come back as copies, and a
// relay that is not SMTP by client IP, or has no source, is refused.
func TestLineRelays(t *testing.T) {
	doc := func(relay string) []byte {
		return []byte(`{"schema":"` + ProviderSchema + `","providers":[],"line_relays":[` + relay + `]}`)
	}
	good := `{"name":"Tel","server":{"protocol":"smtp","host":"relay.tel.example","port":25,"security":"none","auth":["client-ip-address"]},` +
		`"note":"for its lines","source":"overlay.json#tel","urls":["https://tel.example/help"],"checked":"2026-12-06"},` +
		`{"name":"Net","note":"no relay","source":"overlay.json#net","urls":["https://net.example/"],"checked":"2026-12-06"}`
	db, err := ParseProviders(doc(good))
	if err != nil {
		t.Fatal(err)
	}
	rs := db.LineRelays()
	if len(rs) != 2 || rs[0].Server == nil || rs[0].Server.Auth[0] != AuthClientIP || rs[1].Server != nil {
		t.Fatalf("LineRelays = %+v", rs)
	}
	rs[0].Server.Host = "changed.example"
	if db.LineRelays()[0].Server.Host != "relay.tel.example" {
		t.Error("LineRelays shares its servers with the database")
	}
	for _, bad := range []string{
		`{"name":"Tel","server":{"protocol":"smtp","host":"relay.tel.example","port":25,"security":"none","auth":["password-cleartext"]},"note":"n","urls":["https://x.example/"],"checked":"2026-12-06"}`,
		`{"name":"Tel","server":{"protocol":"imap","host":"relay.tel.example","port":143,"security":"none","auth":["client-ip-address"]},"note":"n","urls":["https://x.example/"],"checked":"2026-12-06"}`,
		`{"name":"Net","note":"no relay","urls":[],"checked":"2026-12-06"}`,
		`{"name":"Net","note":"no relay","urls":["https://x.example/"]}`,
	} {
		if _, err := ParseProviders(doc(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
