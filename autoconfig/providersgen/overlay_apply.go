package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

const overlayName = "overlay.json"

// addOverlay applies postino's corrections last, over every upstream fact.
// Each part of a correction must change something: one that no longer
// does (upstream caught up) is recorded in b.idle, which the tests insist
// is empty, so that a stale override is deleted rather than kept forever.
func (b *builder) addOverlay() error {
	data, err := os.ReadFile(filepath.Join(b.dir, overlayName))
	if err != nil {
		return err
	}
	o, err := parseOverlay(data)
	if err != nil {
		return fmt.Errorf("%s: %w", overlayName, err)
	}
	for _, c := range o.Corrections {
		if err := b.applyCorrection(c); err != nil {
			return fmt.Errorf("%s: %s: %w", overlayName, c.ID, err)
		}
	}
	for _, r := range o.LineRelays {
		if err := b.addRelays(r); err != nil {
			return fmt.Errorf("%s: %s: %w", overlayName, r.ID, err)
		}
	}
	return nil
}

// idleOp records a part of a correction that changed nothing.
func (b *builder) idleOp(c correction, what string) {
	b.idle = append(b.idle, fmt.Sprintf("%s#%s: %s changes nothing (has upstream caught up? then delete it)", overlayName, c.ID, what))
}

func (b *builder) applyCorrection(c correction) error {
	file := overlayName + "#" + c.ID
	p := b.entries[c.Provider]
	switch {
	case c.New != nil && p != nil:
		b.idleOp(c, "new entry "+c.Provider+" (it exists)")
	case c.New != nil:
		p = &autoconfig.Provider{ID: c.Provider, DisplayName: c.New.DisplayName}
		b.entries[p.ID] = p
		for _, d := range c.New.Domains {
			b.claim(p, d, file)
		}
	case p == nil:
		return fmt.Errorf("no entry %q", c.Provider)
	}
	p.Sources = append(p.Sources, autoconfig.ProviderSource{File: file, Licence: "MPL-2.0", Date: oldest(c.Sources),
		Note: c.Says, URLs: urls(c.Sources), Unverified: c.Unverified})

	for _, d := range c.AddDomains {
		if b.byDomain[d] == p {
			b.idleOp(c, "domain "+d)
		}
		b.claim(p, d, file)
	}
	if t := c.TakeMX; t != nil {
		if err := b.takeMX(c, p, t); err != nil {
			return err
		}
	}
	for _, n := range c.DropNeeds {
		dropped := false
		for i := range p.Hints {
			h := &p.Hints[i]
			if containsString(h.Needs, n) {
				h.Needs = removeString(h.Needs, n)
				dropped = true
			}
		}
		if !dropped {
			b.idleOp(c, "drop_needs "+n)
		}
	}
	for _, text := range c.DropHints {
		kept := p.Hints[:0]
		for _, h := range p.Hints {
			if !strings.Contains(strings.ToLower(h.Text), strings.ToLower(text)) {
				kept = append(kept, h)
			}
		}
		if len(kept) == len(p.Hints) {
			b.idleOp(c, fmt.Sprintf("drop_hints %q", text))
		}
		p.Hints = kept
	}
	for _, h := range c.AddHints {
		kind := h.Kind
		if kind == "" {
			kind = "before-login"
		}
		for _, have := range p.Hints {
			if have.Text == h.Text {
				b.idleOp(c, fmt.Sprintf("hint %q", h.Text))
			}
		}
		p.Hints = append(p.Hints, autoconfig.ProviderHint{Kind: kind, Text: h.Text, URL: h.URL, Needs: h.Needs, Source: file})
	}
	for _, e := range c.Servers {
		if err := b.editServers(c, p, e, file); err != nil {
			return err
		}
	}
	return nil
}

// takeMX moves MX suffixes, with the MX table's note and hints about them,
// from t.From to p.
func (b *builder) takeMX(c correction, p *autoconfig.Provider, t *takeMX) error {
	from := b.entries[t.From]
	if from == nil {
		return fmt.Errorf("take_mx: no entry %q", t.From)
	}
	for _, s := range t.Suffixes {
		if !containsString(from.MXSuffixes, s) {
			b.idleOp(c, "take_mx "+s+" from "+t.From)
			continue
		}
		from.MXSuffixes = removeString(from.MXSuffixes, s)
		p.MXSuffixes = append(p.MXSuffixes, s)
	}
	if len(from.MXSuffixes) > 0 {
		return nil
	}
	// The MX table's justification and hoster hints now concern p.
	keep := from.Sources[:0]
	for _, s := range from.Sources {
		if s.File == "mx-hosters.json" {
			p.Sources = append(p.Sources, s)
		} else {
			keep = append(keep, s)
		}
	}
	from.Sources = keep
	hints := from.Hints[:0]
	for _, h := range from.Hints {
		if h.Source == "mx-hosters.json" {
			p.Hints = append(p.Hints, h)
		} else {
			hints = append(hints, h)
		}
	}
	from.Hints = hints
	return nil
}

func (b *builder) editServers(c correction, p *autoconfig.Provider, e serverEdit, file string) error {
	list := &p.Incoming
	key := e.Match
	if e.Server != nil {
		if e.Server.Side() == autoconfig.Outgoing {
			list = &p.Outgoing
		}
		if key == "" {
			key = e.Server.Key()
		}
	} else if strings.HasPrefix(e.Match, string(autoconfig.SMTP)+" ") {
		list = &p.Outgoing
	}
	at := -1
	for i, s := range *list {
		if s.Key() == key {
			at = i
		}
	}
	var ps autoconfig.ProviderServer
	if e.Server != nil {
		ps = autoconfig.ProviderServer{Server: *e.Server, Source: file}
		ps.Condition = condition(p, ps)
	}
	switch {
	case e.Op == "add" && at >= 0:
		b.idleOp(c, "add "+key+" (listed already)")
	case e.Op == "add":
		*list = append(*list, ps)
	case at < 0:
		return fmt.Errorf("%s %s: no such server in %s", e.Op, e.Match, p.ID)
	case e.Op == "remove":
		*list = append((*list)[:at], (*list)[at+1:]...)
	case e.Op == "replace":
		old := (*list)[at]
		if old.Key() == ps.Key() && old.Username == ps.Username && fmt.Sprint(old.Auth) == fmt.Sprint(ps.Auth) {
			b.idleOp(c, "replace "+key+" (the same server)")
		}
		(*list)[at] = ps
	}
	return nil
}

// addRelays adds an access provider's relays, one per host, or its note.
func (b *builder) addRelays(r relayEntry) error {
	if r.Provider != "" && b.entries[r.Provider] == nil {
		return fmt.Errorf("no entry %q", r.Provider)
	}
	base := autoconfig.LineRelay{Name: r.Name, Provider: r.Provider, Note: r.Note, Source: overlayName + "#" + r.ID,
		URLs: urls(r.Sources), Checked: oldest(r.Sources), Unverified: r.Unverified}
	if len(r.Hosts) == 0 {
		b.relays = append(b.relays, base)
		return nil
	}
	sec, ok := autoconfig.ParseSocketType(r.Security)
	if !ok {
		return fmt.Errorf("security %q", r.Security)
	}
	for _, h := range r.Hosts {
		s := autoconfig.Server{Protocol: autoconfig.SMTP, Host: h, Port: r.Port, Security: sec, Auth: []autoconfig.AuthMethod{autoconfig.AuthClientIP}}
		if err := autoconfig.CheckServer(s); err != nil {
			return err
		}
		rel := base
		rel.Server = &s
		b.relays = append(b.relays, rel)
	}
	return nil
}

func removeString(ss []string, s string) []string {
	var out []string
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
