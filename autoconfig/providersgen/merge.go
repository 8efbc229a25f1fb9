package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// addISPDB makes one entry per ISPDB file. The ISPDB is the primary
// source: its servers are what Thunderbird users get, and the database
// keeps them exactly as ParseMozilla reads them.
func (b *builder) addISPDB() error {
	paths, err := b.files("ispdb", ".xml")
	if err != nil {
		return err
	}
	set := b.sets["ispdb"]
	for _, path := range paths {
		file := "ispdb/" + filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parseISPDB(file, data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		c := f.Config
		p := &autoconfig.Provider{
			ID:          strings.ToLower(strings.TrimSuffix(filepath.Base(path), ".xml")),
			DisplayName: c.DisplayName,
			ShortName:   c.ShortName,
		}
		if p.DisplayName == "" {
			p.DisplayName = p.ID
		}
		if b.entries[p.ID] != nil {
			return fmt.Errorf("%s: entry %q twice", file, p.ID)
		}
		b.entries[p.ID] = p
		for _, d := range c.Domains {
			if d = strings.ToLower(d); containsString(p.Domains, d) {
				b.problem(p, file, fmt.Sprintf("lists domain %s twice", d))
				continue
			}
			b.claim(p, d, file)
		}
		p.Sources = append(p.Sources, autoconfig.ProviderSource{File: file, Licence: set.Licence, Date: set.date, Domains: c.Domains})
		used := map[string]bool{}
		for _, s := range c.Incoming {
			p.Incoming = append(p.Incoming, autoconfig.ProviderServer{Server: s, Source: file})
		}
		for _, s := range c.Outgoing {
			ps := autoconfig.ProviderServer{Server: s, Source: file}
			if r, ok := f.Restrictions[s.Key()]; ok {
				used[s.Key()] = true
				ps.Restriction = autoconfig.AuthMethod(strings.ToLower(r))
			}
			p.Outgoing = append(p.Outgoing, ps)
		}
		for key, r := range f.Restrictions {
			if !used[key] {
				b.problem(p, file, fmt.Sprintf("<restriction>%s</restriction> on %s, a server that was skipped", r, key))
			}
		}
		for i := range p.Outgoing {
			p.Outgoing[i].Condition = condition(p, p.Outgoing[i])
		}
		if o := c.OAuth2; o != nil {
			p.OAuth2 = &autoconfig.ProviderOAuth2{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL, Source: file}
		}
		for _, e := range f.Enable {
			needs := hintNeeds(e.Text)
			if !containsString(needs, "enable-access") {
				needs = append([]string{"enable-access"}, needs...)
			}
			p.Hints = append(p.Hints, autoconfig.ProviderHint{Kind: "enable", Text: e.Text, URL: e.URL, Needs: needs, Source: file})
		}
		p.Documentation = append(p.Documentation, f.Docs...)
		for _, pr := range c.Problems {
			b.problem(p, file, pr)
		}
	}
	return nil
}

// condition says in words when a server can be used, for the servers that
// serve only the provider's own network.
func condition(p *autoconfig.Provider, s autoconfig.ProviderServer) string {
	switch {
	case containsAuth(s.Auth, autoconfig.AuthClientIP):
		return fmt.Sprintf("no login: relays mail only for connections from %s's own access network (client-IP-address)", p.DisplayName)
	case s.Restriction == autoconfig.AuthClientIP:
		return fmt.Sprintf("only for connections from %s's own access network (restriction client-IP-address)", p.DisplayName)
	case s.Restriction != "":
		return fmt.Sprintf("restricted (%s)", s.Restriction)
	case strings.HasSuffix(s.Host, ".onion"):
		return "only over Tor (an .onion address)"
	}
	return ""
}

// addDeltaChat merges each Delta Chat note into the ISPDB entries that
// share a domain with it, or makes a new entry from the note's own server
// list when none does.
func (b *builder) addDeltaChat() error {
	paths, err := b.files("deltachat", ".md")
	if err != nil {
		return err
	}
	for _, path := range paths {
		file := "deltachat/" + filepath.Base(path)
		if why, ok := skipped[file]; ok {
			b.report = append(b.report, file+": skipped: "+why)
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dc, err := parseDeltaChat(file, data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		var matched []*autoconfig.Provider
		for _, d := range dc.Domains {
			if p := b.byDomain[d]; p != nil && !containsProvider(matched, p) {
				matched = append(matched, p)
			}
		}
		if len(matched) == 0 {
			if err := b.newFromDeltaChat(dc); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			continue
		}
		sort.Slice(matched, func(i, j int) bool { return matched[i].ID < matched[j].ID })
		for _, p := range matched {
			b.mergeDeltaChat(p, dc, len(matched) == 1)
		}
	}
	return nil
}

func containsProvider(ps []*autoconfig.Provider, p *autoconfig.Provider) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// newFromDeltaChat makes an entry from a note no ISPDB file covers.
func (b *builder) newFromDeltaChat(dc *dcProvider) error {
	id := strings.ToLower(strings.TrimSuffix(filepath.Base(dc.File), ".md"))
	if b.entries[id] != nil {
		return fmt.Errorf("entry %q exists already", id)
	}
	p := &autoconfig.Provider{ID: id, DisplayName: dc.Name}
	b.entries[id] = p
	for _, d := range dc.Domains {
		b.claim(p, d, dc.File)
	}
	for _, s := range dc.Servers {
		ps := autoconfig.ProviderServer{Server: s, Source: dc.File}
		ps.Condition = condition(p, ps)
		if s.Side() == autoconfig.Incoming {
			p.Incoming = append(p.Incoming, ps)
		} else {
			p.Outgoing = append(p.Outgoing, ps)
		}
	}
	b.addNotes(p, dc)
	return nil
}

// mergeDeltaChat adds a note's hints, status, website and extra domains
// to an ISPDB entry. The ISPDB's servers stay; where the note names other
// servers, the difference is reported, since one of the two is stale.
func (b *builder) mergeDeltaChat(p *autoconfig.Provider, dc *dcProvider, only bool) {
	for _, d := range dc.Domains {
		switch {
		case b.byDomain[d] != nil:
		case only:
			b.claim(p, d, dc.File)
		default:
			b.problem(p, dc.File, fmt.Sprintf("domain %s: the note spans several ISPDB entries, so it is not added to any", d))
		}
	}
	ispdb := p.Sources[0].File
	have := map[string]autoconfig.Server{}
	for _, s := range append(append([]autoconfig.ProviderServer(nil), p.Incoming...), p.Outgoing...) {
		have[s.Key()] = s.Server
	}
	for _, s := range dc.Servers {
		switch h, ok := have[s.Key()]; {
		case !ok:
			b.problem(p, dc.File, fmt.Sprintf("names %s, which %s does not: not used", s, ispdb))
		case h.Username != s.Username:
			b.problem(p, dc.File, fmt.Sprintf("gives the username of %s as %s, %s as %s: the ISPDB's kept", s, s.Username, ispdb, h.Username))
		}
	}
	b.addNotes(p, dc)
}

// statusRank orders Delta Chat's ratings, worst last.
var statusRank = map[string]int{"": 0, "ok": 1, "preparation": 2, "broken": 3}

// addNotes adds what every entry takes from a note: status, hints,
// website, problems and the source itself.
func (b *builder) addNotes(p *autoconfig.Provider, dc *dcProvider) {
	date := dc.LastChecked
	if date == "" {
		date = b.sets["deltachat"].date
	}
	p.Sources = append(p.Sources, autoconfig.ProviderSource{File: dc.File, Licence: b.sets["deltachat"].Licence, Date: date, Domains: dc.Domains})
	if st := strings.ToLower(dc.Status); statusRank[st] > statusRank[p.Status] {
		p.Status = st
	}
	hint := func(kind, text string) {
		if text = strings.Join(strings.Fields(text), " "); text != "" {
			p.Hints = append(p.Hints, autoconfig.ProviderHint{Kind: kind, Text: text, Needs: hintNeeds(text), Source: dc.File})
		}
	}
	switch dc.Status {
	case "PREPARATION":
		hint("status", "Delta Chat rates this provider \"preparation\": something must be done before the first login (checked "+date+")")
	case "BROKEN":
		hint("status", "Delta Chat rates this provider \"broken\": logging in with a password over the standard protocols did not work for it (checked "+date+")")
	}
	hint("before-login", dc.BeforeLoginHint)
	hint("after-login", dc.AfterLoginHint)
	if dc.Website != "" {
		p.Documentation = append(p.Documentation, autoconfig.ProviderLink{URL: dc.Website, Description: "website", Source: dc.File})
	}
	for _, pr := range dc.Problems {
		b.problem(p, dc.File, pr)
	}
}

// addMXHosters gives the hosting providers their MX suffixes.
func (b *builder) addMXHosters() error {
	const file = "mx-hosters.json"
	data, err := os.ReadFile(filepath.Join(b.dir, file))
	if err != nil {
		return err
	}
	t, err := parseMXTable(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for _, h := range t.Hosters {
		p := b.entries[h.Provider]
		if p == nil {
			return fmt.Errorf("%s: hoster %s: no entry %q", file, h.Name, h.Provider)
		}
		p.MXSuffixes = append(p.MXSuffixes, h.MXSuffixes...)
		p.Sources = append(p.Sources, autoconfig.ProviderSource{File: file, Licence: "MPL-2.0", Date: t.Date,
			Note: h.Name + ": " + h.Justification})
		if h.Hint != "" {
			p.Hints = append(p.Hints, autoconfig.ProviderHint{Kind: "hoster", Text: h.Hint, Needs: hintNeeds(h.Hint), Source: file})
		}
	}
	return nil
}
