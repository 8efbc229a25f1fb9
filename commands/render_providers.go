package commands

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/postino-mail/postino/autoconfig"
)

// searchReport is the JSON of `providers search`.
type searchReport struct {
	Schema  string        `json:"schema"`
	Command string        `json:"command"`
	Query   string        `json:"query"`
	Results []searchMatch `json:"results"`
}

type searchMatch struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name"`
	Field       string   `json:"matched_field"`
	Value       string   `json:"matched_value"`
	Domains     []string `json:"domains"`
	Needs       []string `json:"needs,omitempty"`
}

func (o *output) providersSearch(query string, ms []autoconfig.ProviderMatch) error {
	if o.format == "json" {
		r := searchReport{Schema: SchemaV1, Command: "providers search", Query: query, Results: []searchMatch{}}
		for _, m := range ms {
			r.Results = append(r.Results, searchMatch{ID: m.Provider.ID, DisplayName: m.Provider.DisplayName,
				Field: m.Field, Value: m.Value, Domains: m.Provider.Domains, Needs: m.Provider.Needs})
		}
		return writeJSON(o.w, r)
	}
	ew := &errWriter{w: o.w}
	if len(ms) == 0 {
		ew.printf("no provider's id, name or domain contains %q\n", query)
		return ew.err
	}
	ew.printf("%d %s match %q\n", len(ms), plural(len(ms), "provider", "providers"), query)
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.pal.bold(m.Provider.ID), m.Provider.DisplayName,
			o.pal.dim(m.Field+" "+m.Value), o.pal.dim(domainCount(m.Provider)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
}

func domainCount(p *autoconfig.Provider) string {
	return fmt.Sprintf("%d %s", len(p.Domains), plural(len(p.Domains), "domain", "domains"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// showReport is the JSON of `providers show`.
type showReport struct {
	Schema   string               `json:"schema"`
	Command  string               `json:"command"`
	Query    string               `json:"query"`
	Matched  string               `json:"matched"` // id or domain
	Provider *autoconfig.Provider `json:"provider"`
}

func (o *output) providersShow(query, how string, p *autoconfig.Provider) error {
	if o.format == "json" {
		return writeJSON(o.w, showReport{Schema: SchemaV1, Command: "providers show", Query: query, Matched: how, Provider: p})
	}
	ew := &errWriter{w: o.w}
	ew.printf("%s %s\n", o.pal.bold(p.DisplayName), o.pal.dim("("+p.ID+")"))
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	row := func(label string, lines ...string) {
		for i, l := range lines {
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(tw, "  %s\t%s\n", label, l)
		}
	}
	row("domains", strings.Join(p.Domains, ", "))
	if len(p.MXSuffixes) > 0 {
		row("MX hosts", "*"+strings.Join(p.MXSuffixes, ", *"))
	}
	if p.Status != "" {
		row("status", p.Status+o.pal.dim(" (Delta Chat's rating)"))
	}
	if len(p.Needs) > 0 {
		var ws []string
		for _, n := range p.Needs {
			ws = append(ws, needWords(n))
		}
		row("needs", o.pal.warn(strings.Join(ws, "; ")))
	}
	row("incoming", o.providerServers(p.Incoming)...)
	row("outgoing", o.providerServers(p.Outgoing)...)
	if a := p.OAuth2; a != nil {
		row("OAuth2", "issuer "+a.Issuer, "scope "+a.Scope, "auth URL "+a.AuthURL, "token URL "+a.TokenURL+o.pal.dim("  ["+a.Source+"]"))
	}
	var lines []string
	for _, h := range p.Hints {
		l := h.Text
		if h.URL != "" {
			l += " (" + h.URL + ")"
		}
		lines = append(lines, "- "+l+o.pal.dim("  ["+h.Kind+", "+h.Source+"]"))
	}
	row("hints", lines...)
	lines = nil
	for _, d := range p.Documentation {
		l := d.URL
		if d.Description != "" {
			l += " " + o.pal.dim("("+d.Description+")")
		}
		lines = append(lines, l)
	}
	row("docs", lines...)
	lines = nil
	for _, pr := range p.Problems {
		lines = append(lines, o.pal.warn("- "+pr.Text)+o.pal.dim("  ["+pr.Source+"]"))
	}
	row("problems", lines...)
	lines = nil
	for _, s := range p.Sources {
		l := fmt.Sprintf("%s (%s, %s)", s.File, s.Licence, s.Date)
		if o.verbose && s.Note != "" {
			l += ": " + s.Note
		}
		lines = append(lines, l)
	}
	row("sources", lines...)
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
}

// providerServers lists servers one a line, in order of preference, each
// with its condition when it has one.
func (o *output) providerServers(ss []autoconfig.ProviderServer) []string {
	if len(ss) == 0 {
		return []string{o.pal.dim("none")}
	}
	var out []string
	for i, s := range ss {
		l := fmt.Sprintf("%d. %s %s, %s", i+1, strings.ToUpper(string(s.Protocol)), s.Addr(), securityWords[s.Security])
		if s.Username != "" {
			l += ", username " + s.Username
		}
		if len(s.Auth) > 0 {
			l += ", " + joinAuth(s.Auth)
		}
		if o.verbose {
			l += o.pal.dim("  [" + s.Source + "]")
		}
		out = append(out, l)
		if s.Condition != "" {
			out = append(out, "   "+o.pal.warn(s.Condition))
		}
	}
	return out
}

// needWords says a Provider.Needs value in words.
func needWords(n string) string {
	switch n {
	case "app-password":
		return "an app password"
	case "enable-access":
		return "IMAP/POP access switched on first"
	case "oauth2":
		return "OAuth2 sign-in (no password login)"
	}
	return n
}

// verifyReport is the JSON of `providers verify`.
type verifyReport struct {
	Schema   string              `json:"schema"`
	Command  string              `json:"command"`
	Duration autoconfig.Duration `json:"duration_ms"`
	Entries  []verifiedEntry     `json:"entries"`
	Summary  map[string]int      `json:"summary"` // entries per status
}

func (o *output) providersVerify(es []verifiedEntry, d autoconfig.Duration) error {
	summary := map[string]int{}
	for _, e := range es {
		summary[e.Status]++
	}
	if o.format == "json" {
		r := verifyReport{Schema: SchemaV1, Command: "providers verify", Duration: d, Entries: es, Summary: summary}
		if !o.verbose {
			r.Entries = withoutVerifyTranscripts(es)
		}
		return writeJSON(o.w, r)
	}
	ew := &errWriter{w: o.w}
	ew.printf("%s %s\n", o.pal.bold("postino providers verify"), o.pal.dim("("+ms(d)+")"))
	tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
	for _, e := range es {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.entryWord(e.Status), e.ID, e.DisplayName, o.pal.dim(serverCount(e)))
		for _, s := range e.Servers {
			if s.Verdict == verdictOK && !o.verbose {
				continue
			}
			fmt.Fprintf(tw, "\t\t%s\t%s\n", s.Server.String(), o.serverVerdict(s))
			if s.Condition != "" {
				fmt.Fprintf(tw, "\t\t\t%s\n", o.pal.dim(s.Condition))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, st := range []string{entryOK, entryStale, entryUnverified, entrySkipped, entryNoServers} {
		if summary[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", summary[st], st))
		}
	}
	ew.printf("\n%d %s: %s\n", len(es), plural(len(es), "entry", "entries"), strings.Join(parts, ", "))
	return ew.err
}

func serverCount(e verifiedEntry) string {
	return fmt.Sprintf("%d %s", len(e.Servers), plural(len(e.Servers), "server", "servers"))
}

func (o *output) entryWord(status string) string {
	switch status {
	case entryOK:
		return o.pal.ok("ok")
	case entryStale:
		return o.pal.bad("stale")
	}
	return o.pal.warn(status)
}

func (o *output) serverVerdict(s verifiedServer) string {
	switch s.Verdict {
	case verdictOK:
		return o.probeWord(s.Probe)
	case verdictExpected:
		return o.pal.warn("fails from here, as a restricted server may: ") + o.probeWord(s.Probe)
	case verdictSkipped, verdictUnverified:
		return o.pal.dim(s.Verdict + ": " + s.Probe.Error)
	}
	return o.probeWord(s.Probe)
}

// withoutVerifyTranscripts drops the protocol transcripts, which only
// --verbose asks for.
func withoutVerifyTranscripts(es []verifiedEntry) []verifiedEntry {
	out := make([]verifiedEntry, len(es))
	for i, e := range es {
		ss := make([]verifiedServer, len(e.Servers))
		for j, s := range e.Servers {
			if s.Probe != nil {
				p := *s.Probe
				p.Transcript = nil
				s.Probe = &p
			}
			ss[j] = s
		}
		e.Servers = ss
		out[i] = e
	}
	return out
}
