package autoconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func cand(s Server, status ProbeStatus, valid bool) Candidate {
	c := Candidate{Server: s, Sources: []Source{SourceSRV}, Trusted: true, Probe: &ProbeResult{Status: status}}
	if status == ProbeOK && s.Security != SecurityNone {
		c.Probe.TLS = &TLSInfo{ChainValid: valid, NameValid: true}
	}
	return c
}

var (
	imaps  = Server{Protocol: IMAP, Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "alice@example.com", Auth: cleartext}
	imapST = Server{Protocol: IMAP, Host: "imap.example.com", Port: 143, Security: SecurityStartTLS, Username: "alice@example.com", Auth: cleartext}
	pop3s  = Server{Protocol: POP3, Host: "pop.example.com", Port: 995, Security: SecurityTLS, Username: "alice@example.com"}
	subs   = Server{Protocol: SMTP, Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Username: "alice@example.com", Auth: cleartext}
	sub    = Server{Protocol: SMTP, Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS, Username: "alice@example.com", Auth: cleartext}
)

// sampleResult is a discovery result as discover ranks it: the
// recommended server, one answering with a bad certificate (ranked before
// a verified one only here, to show the reordering), one verified, one
// silent.
func sampleResult() *Result {
	in := []Candidate{cand(imaps, ProbeOK, true), cand(imapST, ProbeOK, false), cand(pop3s, ProbeOK, true),
		cand(Server{Protocol: IMAP, Host: "mail.example.com", Port: 993, Security: SecurityTLS}, ProbeFailed, false)}
	out := []Candidate{cand(subs, ProbeFailed, false), cand(sub, ProbeOK, true)}
	return &Result{
		Address:  alice,
		Incoming: SideResult{Status: StatusOK, Recommended: &in[0], Candidates: in},
		Outgoing: SideResult{Status: StatusWarning, Recommended: &out[1], Candidates: out},
		Findings: []Finding{
			{Code: "discovery.untrusted-source", Severity: SeverityWarning, Side: Outgoing, Message: "only an untrusted source"},
			{Code: "discovery.sources-disagree", Severity: SeverityInfo, Side: Incoming, Message: "disagree"},
			{Code: "tls.cert-expired", Severity: SeverityError, Side: Incoming, Message: "expired"},
		},
	}
}

func TestSettingsFromResult(t *testing.T) {
	st := SettingsFromResult(sampleResult())
	wantIn := []Server{imaps, pop3s, imapST}
	if !reflect.DeepEqual(st.Incoming, wantIn) {
		t.Errorf("incoming:\n got %v\nwant %v (recommended, verified, then answering; never the silent)", st.Incoming, wantIn)
	}
	if !reflect.DeepEqual(st.Outgoing, []Server{sub}) {
		t.Errorf("outgoing %v, want only the answering %v", st.Outgoing, sub)
	}
	if st.POP3[pop3s.Key()] != DefaultPOP3Options || len(st.POP3) != 1 {
		t.Errorf("pop3 options %v, want the default for %s", st.POP3, pop3s.Key())
	}
	if st.IncomingStatus != StatusOK || st.OutgoingStatus != StatusWarning || st.DisplayName != "example.com" {
		t.Errorf("statuses %q %q, display name %q", st.IncomingStatus, st.OutgoingStatus, st.DisplayName)
	}
	if len(st.Caveats) != 1 || st.Caveats[0].Code != "discovery.untrusted-source" {
		t.Errorf("caveats %v, want the path verdict only", st.Caveats)
	}
	if got := SettingsFromResult(&Result{Address: alice, Incoming: SideResult{Status: StatusBroken}}); got.Incoming != nil || got.Outgoing != nil {
		t.Errorf("nothing found: %v %v", got.Incoming, got.Outgoing)
	}
}

// discoverDocument is what `postino discover --format json` prints, built
// the way commands does, without importing it.
func discoverDocument(t *testing.T, r *Result) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"schema": JSONSchema, "command": "discover", "address": r.Address.String(), "domain": r.Address.Domain,
		"duration_ms": 12.5, "incoming": r.Incoming, "outgoing": r.Outgoing, "lookups": []Lookup{}, "findings": r.Findings,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSettingsJSONDiscover(t *testing.T) {
	r := sampleResult()
	got, err := ParseSettingsJSON(discoverDocument(t, r))
	if err != nil {
		t.Fatal(err)
	}
	want := SettingsFromResult(r)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from the discover document:\n got %+v\nwant %+v", got, want)
	}
}

// TestSettingsJSONRoundTrip: what WriteJSON writes, ParseSettingsJSON
// reads back unchanged, for every fixture.
func TestSettingsJSONRoundTrip(t *testing.T) {
	for name, st := range writerFixtures {
		t.Run(name, func(t *testing.T) {
			want := st
			if want.DisplayName == "" {
				want.DisplayName = want.Address.Domain
			}
			want.fillPOP3Defaults()
			var b bytes.Buffer
			if _, err := WriteJSON(&b, st); err != nil {
				t.Fatal(err)
			}
			got, err := ParseSettingsJSON(b.Bytes())
			if err != nil {
				t.Fatalf("%v\n%s", err, b.Bytes())
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseSettingsJSONErrors(t *testing.T) {
	server := func(s string) string {
		return `{"schema":"postino/v1","command":"config","address":"alice@example.com","settings":{"incoming":{"servers":[` + s + `]},"outgoing":{"servers":[]}}}`
	}
	cases := []struct{ name, doc, want string }{
		{"not json", `<clientConfig/>`, "not a postino JSON document"},
		{"no schema", `{"command":"discover"}`, `no "schema" field`},
		{"other schema", `{"schema":"postino/v2"}`, `schema "postino/v2"`},
		{"no address", `{"schema":"postino/v1","command":"discover"}`, `"address"`},
		{"wrong domain", `{"schema":"postino/v1","address":"a@example.com","domain":"example.org","settings":{}}`, "not the domain"},
		{"nothing in it", `{"schema":"postino/v1","command":"check","address":"a@example.com"}`, "neither"},
		{"url as host", server(`{"protocol":"imap","host":"https://imap.example.com","port":993,"security":"tls"}`), "is a URL"},
		{"smtp incoming", server(`{"protocol":"smtp","host":"smtp.example.com","port":465,"security":"tls"}`), "does not belong"},
		{"bad port", server(`{"protocol":"imap","host":"imap.example.com","port":0,"security":"tls"}`), "port 0"},
		{"bad security", server(`{"protocol":"imap","host":"imap.example.com","port":993,"security":"ssl"}`), `security "ssl"`},
		{"bad auth", server(`{"protocol":"imap","host":"imap.example.com","port":993,"security":"tls","auth":["magic"]}`), `"magic"`},
		{"newline in login", server(`{"protocol":"imap","host":"imap.example.com","port":993,"security":"tls","username":"a\nb"}`), "control character"},
	}
	for _, c := range cases {
		_, err := ParseSettingsJSON([]byte(c.doc))
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrSyntax mentioning %q", c.name, err, c.want)
		}
	}
}

func TestForAddress(t *testing.T) {
	st := writerFixtures["full"]
	st.Incoming = append(st.Incoming, Server{Protocol: IMAP, Host: "legacy.example.com", Port: 993, Security: SecurityTLS, Username: "u12345"},
		Server{Protocol: IMAP, Host: "alt.example.com", Port: 993, Security: SecurityTLS, Username: "alice@mail.example.com"})
	got, ls, err := st.ForAddress(bob)
	if err != nil {
		t.Fatal(err)
	}
	var logins []string
	for _, s := range got.Incoming {
		logins = append(logins, s.Username)
	}
	want := []string{"bob@example.com", "bob@example.com", "bob", "u12345", "bob@mail.example.com"}
	if !reflect.DeepEqual(logins, want) {
		t.Errorf("logins for bob: %q, want %q", logins, want)
	}
	if len(ls) != 1 || !strings.Contains(ls[0].Message, `"u12345"`) {
		t.Errorf("losses %v, want one about the fixed login", ls)
	}
	if got.POP3[st.Incoming[2].Key()] != st.POP3[st.Incoming[2].Key()] {
		t.Errorf("pop3 options lost")
	}
	dom, _, _ := st.ForAddress(Address{Domain: "example.com"})
	if u := dom.Outgoing[0].Username; u != "%EMAILADDRESS%" {
		t.Errorf("for the bare domain: %q", u)
	}
	if _, _, err := st.ForAddress(Address{Local: "carol", Domain: "example.org"}); err == nil {
		t.Errorf("another domain: no error")
	}
}

func TestLoginForms(t *testing.T) {
	dom := Settings{Address: Address{Domain: "example.com"}}
	cases := []struct {
		st               Settings
		username         string
		template, person string
	}{
		{Settings{Address: alice}, "alice@example.com", "%EMAILADDRESS%", "alice@example.com"},
		{Settings{Address: alice}, "alice@EXAMPLE.com", "%EMAILADDRESS%", "alice@example.com"},
		{Settings{Address: alice}, "Alice@example.com", "Alice@example.com", "Alice@example.com"},
		{Settings{Address: alice}, "alice", "%EMAILLOCALPART%", "alice"},
		{Settings{Address: alice}, "", "%EMAILADDRESS%", "alice@example.com"},
		{Settings{Address: alice}, "alice@corp.example", "%EMAILLOCALPART%@corp.example", "alice@corp.example"},
		{Settings{Address: alice}, "u12345", "u12345", "u12345"},
		{dom, "%EMAILLOCALPART%@example.com", "%EMAILADDRESS%", ""},
		{dom, "%EMAILLOCALPART%", "%EMAILLOCALPART%", ""},
		{dom, "%EMAILLOCALPART%@corp.example", "%EMAILLOCALPART%@corp.example", ""},
	}
	for _, c := range cases {
		s := Server{Username: c.username}
		if got := c.st.templateLogin(s); got != c.template {
			t.Errorf("%s: templateLogin(%q) = %q, want %q", c.st.Address, c.username, got, c.template)
		}
		if got := c.st.concreteLogin(s); got != c.person {
			t.Errorf("%s: concreteLogin(%q) = %q, want %q", c.st.Address, c.username, got, c.person)
		}
	}
}

// FuzzSettingsFromJSON feeds the --from reader arbitrary documents: it
// never panics, and what it accepts every writer handles, and WriteJSON
// gives back unchanged.
func FuzzSettingsFromJSON(f *testing.F) {
	for _, st := range writerFixtures {
		var b bytes.Buffer
		if _, err := WriteJSON(&b, st); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	r := sampleResult()
	doc, _ := json.Marshal(map[string]any{"schema": JSONSchema, "command": "discover", "address": "alice@example.com",
		"incoming": r.Incoming, "outgoing": r.Outgoing, "findings": r.Findings})
	f.Add(doc)
	f.Add([]byte(`{"schema":"postino/v1","address":"example.com","settings":{"incoming":{"servers":[{"protocol":"pop3","host":"Pop.Example.com.","port":110,"security":"none","pop3":{"leave_messages_on_server":true}}]},"outgoing":{"servers":null}}}`))
	f.Add([]byte(`{"schema":"postino/v1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseSettingsJSON(data)
		if err != nil {
			return
		}
		for format, write := range writerFormats {
			if _, err := write(&bytes.Buffer{}, st); err != nil && !errors.Is(err, ErrIncomplete) {
				t.Errorf("%s: %v", format, err)
			}
		}
		for _, client := range TextClients {
			if _, err := WriteText(&bytes.Buffer{}, st, client); err != nil && !errors.Is(err, ErrIncomplete) {
				t.Errorf("text %s: %v", client, err)
			}
		}
		var b bytes.Buffer
		if _, err := WriteJSON(&b, st); err != nil {
			t.Fatal(err)
		}
		again, err := ParseSettingsJSON(b.Bytes())
		if err != nil {
			t.Fatalf("reading back what WriteJSON wrote: %v\n%s", err, b.Bytes())
		}
		if !reflect.DeepEqual(again, st) {
			t.Errorf("round trip changed the settings:\n got %+v\nwant %+v", again, st)
		}
	})
}
