package autoconfig

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

func findingWith(fs []Finding, code string) *Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

func TestRuleWrongPublishedModeIsCorrectedOnTheSamePort(t *testing.T) {
	zone := resolvertest.Zone{
		"_submissions._tcp.example.com": {SRV: []resolvertest.SRV{{Target: "mail.example.com", Port: 587}}},
		"mail.example.com":              {A: []string{"192.0.2.1"}},
	}
	p := &fakeProber{
		ok: map[string]bool{
			"smtp mail.example.com:587 starttls": true,
			"smtp mail.example.com:25 starttls":  true,
		},
		speaks: map[string]Security{"smtp mail.example.com:587 tls": SecurityStartTLS},
	}
	o, _ := testOptions(t, zone, p)
	res := discover(t, "alice@example.com", o)
	rec := res.Outgoing.Recommended
	if rec == nil || rec.Key() != "smtp mail.example.com:587 starttls" {
		t.Fatalf("recommended %v, want the published port 587 in the mode it speaks (not port 25)", rec)
	}
	if !containsSource(rec.Sources, SourceSRV) || !rec.Trusted {
		t.Errorf("corrected candidate sources %v trusted %v, want the SRV publication's", rec.Sources, rec.Trusted)
	}
	f := findingWith(res.Findings, CodeWrongSecurity)
	if f == nil || !strings.Contains(f.Message, "_submissions._tcp.example.com") || f.Severity != SeverityWarning {
		t.Errorf("finding %+v, want %s naming the SRV record", f, CodeWrongSecurity)
	}
}

func TestRuleMXOfAKnownProviderIsTrusted(t *testing.T) {
	db, err := ParseProviders([]byte(`{"schema":"postino-providers/v2","providers":[{"id":"big","display_name":"Big Mail",
		"domains":["bigmail.example"],"mx_suffixes":[".mx.bigmail.example"],
		"incoming":[{"protocol":"imap","host":"imap.bigmail.example","port":993,"security":"tls","username":"%EMAILADDRESS%"}],
		"outgoing":[{"protocol":"smtp","host":"smtp.bigmail.example","port":465,"security":"tls","username":"%EMAILADDRESS%"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	zone := resolvertest.Zone{
		"hosted.example":  {MX: []resolvertest.MX{{Host: "in1.mx.bigmail.example", Pref: 10}}},
		"unknown.example": {MX: []resolvertest.MX{{Host: "mx.nobody.example", Pref: 10}}},
	}
	p := &fakeProber{ok: map[string]bool{
		"imap imap.bigmail.example:993 tls": true, "smtp smtp.bigmail.example:465 tls": true,
	}}
	o, _ := testOptions(t, zone, p)
	o.Providers = db
	o.Disabled = []Source{SourceGuess}
	res := discover(t, "alice@hosted.example", o)
	rec := res.Incoming.Recommended
	if rec == nil || rec.Host != "imap.bigmail.example" || !rec.Trusted || res.Incoming.Status != StatusOK {
		t.Fatalf("recommended %+v status %s, want the provider's trusted server, ok", rec, res.Incoming.Status)
	}
	if !strings.Contains(strings.Join(rec.Notes, "\n"), "trusted: the MX in1.mx.bigmail.example is Big Mail's") {
		t.Errorf("notes %q, want why it is trusted", rec.Notes)
	}
}

func TestRuleMXUnknownToCuratedSourcesStaysUntrusted(t *testing.T) {
	zone := resolvertest.Zone{
		"unknown.example":   {MX: []resolvertest.MX{{Host: "mx.nobody.example", Pref: 10}}},
		"mx.nobody.example": {A: []string{"192.0.2.9"}},
	}
	p := &fakeProber{ok: map[string]bool{"imap mx.nobody.example:993 tls": true}}
	o, _ := testOptions(t, zone, p)
	res := discover(t, "alice@unknown.example", o)
	for _, c := range res.Incoming.Candidates {
		if c.Host == "mx.nobody.example" && c.Trusted {
			t.Errorf("%v trusted: derived from an MX no curated entry knows", c.Server)
		}
	}
}

func TestRuleSRVTargetWithoutAddressIsAPublicationFinding(t *testing.T) {
	zone := resolvertest.Zone{
		"_imaps._tcp.example.com": {SRV: []resolvertest.SRV{{Target: "gone.example.com", Port: 993}}},
	}
	p := &fakeProber{}
	p.kinds = map[string]string{"imap gone.example.com:993 tls": "nxdomain"}
	o, _ := testOptions(t, zone, p)
	o.Disabled = []Source{SourceGuess}
	res := discover(t, "alice@example.com", o)
	f := findingWith(res.Findings, CodeSRVTargetDead)
	if f == nil || !strings.Contains(f.Message, "_imaps._tcp.example.com") || !strings.Contains(f.Message, "gone.example.com") {
		t.Errorf("finding %+v, want %s naming the record and the target", f, CodeSRVTargetDead)
	}
}
