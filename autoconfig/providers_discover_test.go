package autoconfig_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// answersAll is a prober for which every server answers with a valid
// certificate, so ranking alone decides.
type answersAll struct{}

func (answersAll) Probe(ctx context.Context, s autoconfig.Server) *autoconfig.ProbeResult {
	return &autoconfig.ProbeResult{Status: autoconfig.ProbeOK,
		TLS: &autoconfig.TLSInfo{Version: "TLS1.3", ChainValid: true, NameValid: true}}
}

// TestDiscoverPublishedAutoconfigBeatsProviderDB pins the Contract's
// ranking rule for the built-in database (docs/json-schema.md, Ranking (5); Delta
// Chat's lesson in REFERENCE-discovery.md §6 item 9): when the domain
// publishes its own autoconfig and the database also has an entry, both
// are asked and shown, and the domain's own publication wins over the
// database's, everything else being equal. The entry's hint reaches the
// findings.
func TestDiscoverPublishedAutoconfigBeatsProviderDB(t *testing.T) {
	db, err := autoconfig.ParseProviders([]byte(`{"schema":"postino-providers/v2","generated":"test","providers":[
		{"id":"example","display_name":"Example Mail","domains":["example.com"],
		 "incoming":[{"protocol":"imap","host":"old-imap.example.com","port":993,"security":"tls","username":"%EMAILADDRESS%","source":"t"}],
		 "outgoing":[{"protocol":"smtp","host":"old-smtp.example.com","port":465,"security":"tls","username":"%EMAILADDRESS%","source":"t"}],
		 "hints":[{"kind":"before-login","text":"Create an app password first.","source":"t"}],
		 "sources":[{"file":"t","licence":"MPL-2.0","date":"2026-01-01"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w := newFakeWeb(t)
	w.serve("autoconfig.example.com", http.StatusOK, "text/xml", `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>
 <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
  <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
 <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
  <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`)
	w.nx["ispdb.invalid"] = true
	opts := &autoconfig.Options{
		Resolver:  fakeResolver{},
		HTTP:      &autoconfig.HTTPOptions{Client: w.client(t)},
		Prober:    answersAll{},
		Providers: db,
		ISPDBURL:  "https://ispdb.invalid/v1.1/",
		Disabled:  []autoconfig.Source{autoconfig.SourceGuess},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := autoconfig.Discover(ctx, autoconfig.Address{Local: "alice", Domain: "example.com"}, opts)
	if err != nil {
		t.Fatal(err)
	}

	found := map[autoconfig.Source]bool{}
	for _, lk := range res.Lookups {
		if lk.Outcome == autoconfig.OutcomeFound {
			found[lk.Source] = true
		}
	}
	if !found[autoconfig.SourceAutoconfig] || !found[autoconfig.SourceProviders] {
		t.Fatalf("sources that found something: %v, want autoconfig and providers", found)
	}
	for _, side := range []struct {
		name      string
		r         autoconfig.SideResult
		published string
		database  string
	}{
		{"incoming", res.Incoming, "imap.example.com", "old-imap.example.com"},
		{"outgoing", res.Outgoing, "smtp.example.com", "old-smtp.example.com"},
	} {
		if side.r.Recommended == nil || side.r.Recommended.Host != side.published {
			t.Errorf("%s: recommended %v, want the published %s", side.name, side.r.Recommended, side.published)
		}
		shown := map[string][]autoconfig.Source{}
		for _, c := range side.r.Candidates {
			shown[c.Host] = c.Sources
		}
		if len(shown[side.published]) == 0 || len(shown[side.database]) == 0 {
			t.Errorf("%s: candidates %v, want both the published and the database's server shown", side.name, shown)
		}
		if s := shown[side.database]; len(s) != 1 || s[0] != autoconfig.SourceProviders {
			t.Errorf("%s: %s named by %v, want providers", side.name, side.database, s)
		}
	}
	hint := false
	for _, f := range res.Findings {
		hint = hint || (f.Code == autoconfig.CodeProviderHint && f.Severity == autoconfig.SeverityInfo &&
			f.Side == autoconfig.Discovery && f.Message == "Example Mail: Create an app password first. (source: t, checked 2026-01-01)")
	}
	if !hint {
		t.Errorf("findings %v lack the entry's hint as provider.hint", res.Findings)
	}
}
