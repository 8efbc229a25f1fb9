package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// generatedBy is the database's header: the file is an output, not a source.
const generatedBy = "by autoconfig/providersgen from autoconfig/providersgen/data (go generate ./...); do not edit by hand"

// skipped are source files left out on purpose, with the reason.
var skipped = map[string]string{
	"deltachat/example.com.md": "a fixture of Delta Chat's own tests: it claims the reserved example.com/.org/.net (RFC 2606) for servers that do not exist",
}

// builder assembles the database from the three sources.
type builder struct {
	dir      string
	sets     map[string]*dataset
	entries  map[string]*autoconfig.Provider // by id
	byDomain map[string]*autoconfig.Provider
	// report collects every data problem and skipped file for stderr.
	report []string
	// idle are the overlay's corrections that changed nothing.
	idle   []string
	relays []autoconfig.LineRelay
}

// buildReport is what a build says besides the database: the problems it
// found in the data and the overlay's corrections that no longer change
// anything.
type buildReport struct {
	problems []string
	idle     []string
}

// dataset is one source data set and the date of its copy.
type dataset struct {
	autoconfig.Dataset
	date string
}

// build reads dir (the generator's data directory) and returns the
// database and the problems to report.
func build(dir string) (*autoconfig.ProviderDB, buildReport, error) {
	b := &builder{dir: dir, sets: map[string]*dataset{}, entries: map[string]*autoconfig.Provider{}, byDomain: map[string]*autoconfig.Provider{}}
	steps := []func() error{
		func() error { return b.readDataset("ispdb", "Thunderbird ISPDB") },
		func() error { return b.readDataset("deltachat", "Delta Chat provider database") },
		b.addISPDB,
		b.addDeltaChat,
		b.addMXHosters,
		b.addOverlay,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, buildReport{}, err
		}
	}
	db := &autoconfig.ProviderDB{
		Schema:    autoconfig.ProviderSchema,
		Generated: generatedBy,
		Licence:   "MPL-2.0",
	}
	for _, name := range []string{"ispdb", "deltachat"} {
		db.Datasets = append(db.Datasets, b.sets[name].Dataset)
	}
	db.Datasets = append(db.Datasets, autoconfig.Dataset{Name: "mx-hosters.json", Title: "postino's table of hosting providers recognised by MX host",
		Origin: "written for postino: autoconfig/providersgen/data/mx-hosters.json", Licence: "MPL-2.0"})
	db.Datasets = append(db.Datasets, autoconfig.Dataset{Name: overlayName, Title: "postino's sourced corrections and additions, applied last",
		Origin: "written for postino: autoconfig/providersgen/data/overlay.json; each correction cites its pages and the day they were read", Licence: "MPL-2.0"})
	db.Relays = b.relays
	ids := make([]string, 0, len(b.entries))
	for id := range b.entries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := b.entries[id]
		finish(p)
		db.Providers = append(db.Providers, *p)
	}
	return db, buildReport{problems: b.report, idle: b.idle}, nil
}

var sourceDate = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)`)

// readDataset reads a data set's SOURCE note (origin, date, licence) and
// insists on its LICENSE file.
func (b *builder) readDataset(name, title string) error {
	src, err := os.ReadFile(filepath.Join(b.dir, name, "SOURCE"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(b.dir, name, "LICENSE")); err != nil {
		return fmt.Errorf("%s: the licence must travel with the data: %w", name, err)
	}
	origin := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(src)), "source:"))
	m := sourceDate.FindStringSubmatch(origin)
	if m == nil || !strings.HasSuffix(origin, "MPL-2.0") {
		return fmt.Errorf("%s/SOURCE: want \"source: ORIGIN (YYYY-MM-DD), …, MPL-2.0\", got %q", name, origin)
	}
	b.sets[name] = &dataset{Dataset: autoconfig.Dataset{Name: name, Title: title, Origin: origin, Licence: "MPL-2.0"}, date: m[1]}
	return nil
}

// files lists a data set's files with the given extension, sorted.
func (b *builder) files(set, ext string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(b.dir, set, "*"+ext))
	sort.Strings(paths)
	return paths, err
}

func (b *builder) problem(p *autoconfig.Provider, source, text string) {
	if p != nil {
		p.Problems = append(p.Problems, autoconfig.ProviderProblem{Text: text, Source: source})
	}
	b.report = append(b.report, source+": "+text)
}

// claim gives domain d to p unless another entry has it already.
func (b *builder) claim(p *autoconfig.Provider, d, source string) {
	switch q := b.byDomain[d]; {
	case q == p:
	case q != nil:
		b.problem(p, source, fmt.Sprintf("domain %s already belongs to %s: left there", d, q.ID))
	default:
		b.byDomain[d] = p
		p.Domains = append(p.Domains, d)
	}
}

// finish fills the fields derived from the others.
func finish(p *autoconfig.Provider) {
	all := append(append([]autoconfig.ProviderServer(nil), p.Incoming...), p.Outgoing...)
	p.Username, p.Auth = "", nil
	oauthOnly := len(all) > 0
	for i, s := range all {
		if i == 0 {
			p.Username = s.Username
		} else if s.Username != p.Username {
			p.Username = ""
		}
		for _, m := range s.Auth {
			if !containsAuth(p.Auth, m) {
				p.Auth = append(p.Auth, m)
			}
		}
		oauthOnly = oauthOnly && len(s.Auth) == 1 && s.Auth[0] == autoconfig.AuthOAuth2
	}
	var needs []string
	for _, h := range p.Hints {
		needs = append(needs, h.Needs...)
	}
	if oauthOnly {
		needs = append(needs, "oauth2")
	}
	p.Needs = nil
	for _, n := range []string{"app-password", "enable-access", "oauth2"} {
		if containsString(needs, n) {
			p.Needs = append(p.Needs, n)
		}
	}
	if p.Domains == nil {
		p.Domains = []string{} // an MX hoster only
	}
	if p.Incoming == nil {
		p.Incoming = []autoconfig.ProviderServer{}
	}
	if p.Outgoing == nil {
		p.Outgoing = []autoconfig.ProviderServer{}
	}
}

func containsAuth(ms []autoconfig.AuthMethod, m autoconfig.AuthMethod) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
