package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// TestWholeISPDBConverts parses every ISPDB file directly with ParseMozilla,
// for every domain it lists, and compares with what the database gives for
// that domain: the same entry, the same servers in the same order (host,
// port, security, username, authentication), the same OAuth2 issuer, every
// problem marked. Nothing of the ISPDB is lost on the way.
func TestWholeISPDBConverts(t *testing.T) {
	db := generatedDB(t)
	files, err := filepath.Glob("data/ispdb/*.xml")
	if err != nil || len(files) != 163 {
		t.Fatalf("data/ispdb: %d files (%v), want the 163 of the copy", len(files), err)
	}
	var domains atomic.Int64
	t.Run("files", func(t *testing.T) {
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				domains.Add(int64(compareISPDBFile(t, db, f)))
			})
		}
	})
	if n := domains.Load(); n < 950 {
		t.Errorf("%d ISPDB domains compared, want about 960", n)
	}
}

// compareISPDBFile compares one file, for each of its domains, with the
// database and returns how many domains it compared.
func compareISPDBFile(t *testing.T, db *autoconfig.ProviderDB, f string) int {
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSuffix(filepath.Base(f), ".xml")
	entry := db.ByID(id)
	if entry == nil {
		t.Fatalf("no entry %q", id)
	}
	n := 0
	for _, d := range uniqueLower(parseDomains(t, data)) {
		n++
		addr := autoconfig.Address{Local: "alice", Domain: d}
		want, err := autoconfig.ParseMozilla(data, addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Lookup(d); got != entry {
			t.Errorf("Lookup(%s) = %v, want entry %s", d, idOf(got), id)
			continue
		}
		// The overlay's corrections come last and are pinned by
		// TestCorrectedFacts: here only what the ISPDB says is compared.
		var in, out []autoconfig.Server
		for _, s := range entry.Incoming {
			if !strings.HasPrefix(s.Source, "overlay.json#") {
				in = append(in, s.For(addr))
			}
		}
		for _, s := range entry.Outgoing {
			if !strings.HasPrefix(s.Source, "overlay.json#") {
				out = append(out, s.For(addr))
			}
		}
		want.Incoming, want.Outgoing = withoutOverlaid(t, id, want.Incoming), withoutOverlaid(t, id, want.Outgoing)
		if !reflect.DeepEqual(in, want.Incoming) || !reflect.DeepEqual(out, want.Outgoing) {
			t.Errorf("for %s:\n got in %v out %v\nwant in %v out %v", addr, in, out, want.Incoming, want.Outgoing)
		}
		if w := want.OAuth2; (w == nil) != (entry.OAuth2 == nil) || w != nil && (w.Issuer != entry.OAuth2.Issuer || w.Scope != entry.OAuth2.Scope ||
			w.AuthURL != entry.OAuth2.AuthURL || w.TokenURL != entry.OAuth2.TokenURL) {
			t.Errorf("OAuth2 %+v, want %+v", entry.OAuth2, w)
		}
		for _, pr := range want.Problems {
			if !hasProblem(entry, pr, d) {
				t.Errorf("problem %q not marked in the entry", pr)
			}
		}
	}
	return n
}

// hasProblem reports whether p marks problem, which ParseMozilla wrote
// for domain (the database keeps %EMAILDOMAIN% in its place).
func hasProblem(p *autoconfig.Provider, problem, domain string) bool {
	for _, pr := range p.Problems {
		if pr.Text == problem || strings.ReplaceAll(pr.Text, "%EMAILDOMAIN%", domain) == problem {
			return true
		}
	}
	return false
}

// parseDomains lists the <domain> elements of a file, read independently
// of ParseMozilla, so a domain it dropped would show.
func parseDomains(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for _, part := range strings.Split(string(data), "<domain>")[1:] {
		d, _, ok := strings.Cut(part, "</domain>")
		if !ok {
			t.Fatalf("unterminated <domain> in %q", part)
		}
		out = append(out, strings.TrimSpace(d))
	}
	return out
}

func uniqueLower(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.ToLower(s); !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func idOf(p *autoconfig.Provider) string {
	if p == nil {
		return "nil"
	}
	return p.ID
}

// TestRelayRestrictions: the ISPDB's <restriction>client-IP-address
// servers keep the restriction and state the condition.
func TestRelayRestrictions(t *testing.T) {
	db := generatedDB(t)
	n := 0
	for _, id := range []string{"o2.pl", "tiscali.it"} {
		for _, s := range db.ByID(id).Outgoing {
			if s.Restriction != autoconfig.AuthClientIP || !strings.Contains(s.Condition, "own access network") {
				t.Errorf("%s %s: restriction %q condition %q", id, s.Server, s.Restriction, s.Condition)
			}
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d restricted servers, want o2's two and tiscali's one", n)
	}
	for _, s := range db.ByID("gmx.net").Outgoing {
		if s.Restriction != "" || s.Condition != "" {
			t.Errorf("gmx.net %s has restriction %q condition %q", s.Server, s.Restriction, s.Condition)
		}
	}
}

// withoutOverlaid drops the servers the overlay replaces or removes in
// entry id.
func withoutOverlaid(t *testing.T, id string, ss []autoconfig.Server) []autoconfig.Server {
	data, err := os.ReadFile("data/overlay.json")
	if err != nil {
		t.Fatal(err)
	}
	o, err := parseOverlay(data)
	if err != nil {
		t.Fatal(err)
	}
	touched := map[string]bool{}
	for _, c := range o.Corrections {
		for _, e := range c.Servers {
			if c.Provider == id && e.Match != "" {
				touched[e.Match] = true
			}
		}
	}
	var out []autoconfig.Server
	for _, s := range ss {
		if !touched[s.Key()] {
			out = append(out, s)
		}
	}
	return out
}
