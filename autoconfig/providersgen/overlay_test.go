package main

import (
	"os"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// TestOverlayEveryCorrectionIsSourced: the committed overlay parses, and
// a correction without a source, without a URL or without the date it
// was checked is refused.
func TestOverlayEveryCorrectionIsSourced(t *testing.T) {
	data, err := os.ReadFile("data/overlay.json")
	if err != nil {
		t.Fatal(err)
	}
	o, err := parseOverlay(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Corrections) == 0 || len(o.LineRelays) == 0 {
		t.Fatalf("%d corrections, %d line relays", len(o.Corrections), len(o.LineRelays))
	}
	const head = `{"about": "", "line_relays": [], "corrections": [{"id": "c", "provider": "x", "says": "s", "sources": `
	bad := map[string]string{
		"no source":      `[]}]}`,
		"no URL":         `[{"ref": "A", "checked": "2026-12-06"}]}]}`,
		"no date":        `[{"ref": "A", "url": "https://example.org/"}]}]}`,
		"a partial date": `[{"ref": "A", "url": "https://example.org/", "checked": "2026-12"}]}]}`,
	}
	for name, tail := range bad {
		if _, err := parseOverlay([]byte(head + tail)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	relay := `{"about": "", "corrections": [], "line_relays": [{"id": "r", "name": "R", "note": "n", "sources": []}]}`
	if _, err := parseOverlay([]byte(relay)); err == nil {
		t.Error("a line relay without a source: accepted")
	}
	if _, err := parseOverlay([]byte(head + `[{"ref": "A", "url": "https://example.org/", "checked": "2026-12-06"}]}]}`)); err != nil {
		t.Errorf("a sourced correction: %v", err)
	}
}

// TestOverlayEveryCorrectionChangesSomething: each part of each committed
// correction changes the upstream data. When upstream catches up, the
// build records the part as idle and this test fails: delete it then.
func TestOverlayEveryCorrectionChangesSomething(t *testing.T) {
	_, rep, err := build("data")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rep.idle {
		t.Error(l)
	}
}

// TestOverlayIdleDetected: corrections that restate what the entry says
// already are each recorded as idle; one that changes it is not.
func TestOverlayIdleDetected(t *testing.T) {
	srv := autoconfig.Server{Protocol: autoconfig.SMTP, Host: "smtp.example.net", Port: 587, Security: autoconfig.SecurityStartTLS,
		Username: "%EMAILADDRESS%", Auth: []autoconfig.AuthMethod{autoconfig.AuthPasswordCleartext}}
	fresh := func() *builder {
		p := &autoconfig.Provider{ID: "example.net", DisplayName: "Example", Domains: []string{"example.net"},
			Outgoing: []autoconfig.ProviderServer{{Server: srv, Source: "ispdb/example.net.xml"}},
			Hints:    []autoconfig.ProviderHint{{Kind: "enable", Text: "Enable IMAP first", Needs: []string{"enable-access"}}}}
		return &builder{entries: map[string]*autoconfig.Provider{p.ID: p}, byDomain: map[string]*autoconfig.Provider{"example.net": p}}
	}
	src := []overlaySource{{Ref: "A", URL: "https://example.org/", Checked: "2026-12-06"}}
	idle := []correction{
		{ID: "domain", AddDomains: []string{"example.net"}},
		{ID: "need", DropNeeds: []string{"app-password"}},
		{ID: "drop", DropHints: []string{"no such advice"}},
		{ID: "hint", AddHints: []overlayHint{{Text: "Enable IMAP first"}}},
		{ID: "add", Servers: []serverEdit{{Op: "add", Server: &srv}}},
		{ID: "replace", Servers: []serverEdit{{Op: "replace", Match: srv.Key(), Server: &srv}}},
		{ID: "new", New: &newEntry{DisplayName: "Example", Domains: []string{"example.org"}}},
	}
	for _, c := range idle {
		b := fresh()
		c.Provider, c.Says, c.Sources = "example.net", "s", src
		if err := b.applyCorrection(c); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if len(b.idle) != 1 {
			t.Errorf("%s: idle %q, want one line", c.ID, b.idle)
		}
	}
	b := fresh()
	other := srv
	other.Port = 465
	other.Security = autoconfig.SecurityTLS
	c := correction{ID: "real", Provider: "example.net", Says: "s", Sources: src,
		AddDomains: []string{"example.com"}, DropNeeds: []string{"enable-access"}, DropHints: []string{"enable imap"},
		AddHints: []overlayHint{{Text: "IMAP is always on"}}, Servers: []serverEdit{{Op: "add", Server: &other}}}
	if err := b.applyCorrection(c); err != nil {
		t.Fatal(err)
	}
	if len(b.idle) != 0 {
		t.Errorf("a real correction reported idle: %q", b.idle)
	}
	p := b.entries["example.net"]
	if len(p.Hints) != 1 || p.Hints[0].Source != "overlay.json#real" || len(p.Outgoing) != 2 || b.byDomain["example.com"] != p {
		t.Errorf("correction not applied: %+v", p)
	}
	if s, ok := p.Source("overlay.json#real"); !ok || s.Date != "2026-12-06" || len(s.URLs) != 1 {
		t.Errorf("the correction is not among the sources with its date and URL: %+v", p.Sources)
	}
}

// overlaySourceOf is the overlay source of p that cites url: every
// corrected fact must rest on the page the issue names.
func overlaySourceOf(t *testing.T, p *autoconfig.Provider, url string) autoconfig.ProviderSource {
	t.Helper()
	for _, s := range p.Sources {
		for _, u := range s.URLs {
			if u == url && strings.HasPrefix(s.File, "overlay.json#") && s.Date != "" {
				return s
			}
		}
	}
	t.Fatalf("%s: no overlay source cites %s", p.ID, url)
	return autoconfig.ProviderSource{}
}

func entryFor(t *testing.T, db *autoconfig.ProviderDB, domain string) *autoconfig.Provider {
	t.Helper()
	p := db.Lookup(domain)
	if p == nil {
		t.Fatalf("no entry for %s", domain)
	}
	return p
}

func hasNeed(p *autoconfig.Provider, n string) bool { return containsString(p.Needs, n) }

func server(ss []autoconfig.ProviderServer, key string) *autoconfig.ProviderServer {
	for i := range ss {
		if ss[i].Key() == key {
			return &ss[i]
		}
	}
	return nil
}

// hintFrom is the hint of p whose text contains text, with its source.
func hintFrom(t *testing.T, p *autoconfig.Provider, text string) autoconfig.ProviderHint {
	t.Helper()
	for _, h := range p.Hints {
		if strings.Contains(h.Text, text) {
			return h
		}
	}
	t.Fatalf("%s: no hint containing %q in %+v", p.ID, text, p.Hints)
	return autoconfig.ProviderHint{}
}
