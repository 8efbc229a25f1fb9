package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

const committed = "../../providers.json"

// generated builds the database once for all tests of the package.
var generated = sync.OnceValues(func() (*autoconfig.ProviderDB, error) {
	db, _, err := build("data")
	if err != nil {
		return nil, err
	}
	data, err := encode(db)
	if err != nil {
		return nil, err
	}
	// Through the parser, as postino reads it: indexes built, checks run.
	return autoconfig.ParseProviders(data)
})

func generatedDB(t *testing.T) *autoconfig.ProviderDB {
	t.Helper()
	db, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestCommittedFileIsCurrent regenerates the database, through run as
// go generate does, and fails if the committed providers.json differs: the
// data and the file must never drift apart.
func TestCommittedFileIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "providers.json")
	var report bytes.Buffer
	if err := run("data", out, &report); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("providers.json is out of date (run go generate ./...): line %d is %q, the data gives %q", i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("providers.json is out of date (run go generate ./...): %d lines, the data gives %d", len(wl), len(gl))
	}
	// The run reports the problems it marks, and its summary.
	if !strings.Contains(report.String(), "ispdb/office365.com.xml: ") || !strings.Contains(report.String(), "problems marked") {
		t.Errorf("report lacks office365's broken placeholder or the summary:\n%s", report.String())
	}
}

// TestDeterministic builds again and compares with the first build, read
// back through ParseProviders: the same data must give the same bytes, and
// reading the file loses nothing of it.
func TestDeterministic(t *testing.T) {
	db, _, err := build("data")
	if err != nil {
		t.Fatal(err)
	}
	again, err := encode(db)
	if err != nil {
		t.Fatal(err)
	}
	want, err := encode(generatedDB(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, want) {
		t.Fatal("a second build differs from the first one read back")
	}
}

// TestEveryFactHasASource: each server, hint, link, problem and OAuth2
// block names a file the entry lists among its sources.
func TestEveryFactHasASource(t *testing.T) {
	db := generatedDB(t)
	if db.Generated == "" || len(db.Datasets) != 4 {
		t.Errorf("header: generated %q, %d datasets", db.Generated, len(db.Datasets))
	}
	for _, p := range db.Providers {
		listed := map[string]bool{}
		for _, s := range p.Sources {
			if s.Licence != "MPL-2.0" || s.Date == "" {
				t.Errorf("%s: source %s has licence %q date %q", p.ID, s.File, s.Licence, s.Date)
			}
			listed[s.File] = true
		}
		var named []string
		for _, s := range append(append([]autoconfig.ProviderServer(nil), p.Incoming...), p.Outgoing...) {
			named = append(named, s.Source)
		}
		for _, h := range p.Hints {
			named = append(named, h.Source)
		}
		for _, d := range p.Documentation {
			named = append(named, d.Source)
		}
		for _, pr := range p.Problems {
			named = append(named, pr.Source)
		}
		if p.OAuth2 != nil {
			named = append(named, p.OAuth2.Source)
		}
		for _, n := range named {
			if !listed[n] {
				t.Errorf("%s: a fact cites %q, which is not among its sources", p.ID, n)
			}
		}
	}
}

// TestDataProblemsAreMarked: the broken placeholder of the ISPDB's
// office365 file and a password sent in the clear are in the entries, not
// passed on silently.
func TestDataProblemsAreMarked(t *testing.T) {
	db := generatedDB(t)
	cases := []struct{ id, want string }{
		{"office365.com", `"%EMAILADDRESS" has a % without its closing %`},
		{"peoplepc.com", "socketType plain with password authentication"},
		{"cty-net.ne.jp", "lists domain cty-net.ne.jp twice"},
		{"zoho.com", "names imap imap.zoho.eu:993 (tls), which ispdb/zoho.com.xml does not"},
	}
	for _, c := range cases {
		p := db.ByID(c.id)
		if p == nil {
			t.Fatalf("no entry %s", c.id)
		}
		found := false
		for _, pr := range p.Problems {
			found = found || strings.Contains(pr.Text, c.want)
		}
		if !found {
			t.Errorf("%s: problems %v, want one containing %q", c.id, p.Problems, c.want)
		}
	}
	if db.Lookup("example.com") != nil {
		t.Error("Delta Chat's example.com fixture made it into the database")
	}
}
