package commands

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

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
	// CheckedOldest and CheckedNewest span the dates of the entry's
	// sources: when its facts were last stated or checked.
	CheckedOldest string `json:"checked_oldest,omitempty"`
	CheckedNewest string `json:"checked_newest,omitempty"`
	// LineRelays are the line relays of the entry's access provider.
	LineRelays []autoconfig.LineRelay `json:"line_relays,omitempty"`
}

func (o *output) providersShow(query, how string, p *autoconfig.Provider, relays []autoconfig.LineRelay) error {
	if o.format == "json" {
		oldest, newest := p.Checked()
		return writeJSON(o.w, showReport{Schema: SchemaV1, Command: "providers show", Query: query, Matched: how, Provider: p,
			CheckedOldest: oldest, CheckedNewest: newest, LineRelays: relays})
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
	row("incoming", append(o.providerServers(p.Incoming), o.fromLine(p, serverSources(p.Incoming)...))...)
	row("outgoing", append(o.providerServers(p.Outgoing), o.fromLine(p, serverSources(p.Outgoing)...))...)
	if a := p.OAuth2; a != nil {
		row("OAuth2", "issuer "+a.Issuer, "scope "+a.Scope, "auth URL "+a.AuthURL, "token URL "+a.TokenURL, o.fromLine(p, a.Source))
	}
	var lines []string
	for _, h := range p.Hints {
		l := h.Text
		if h.URL != "" {
			l += " (" + h.URL + ")"
		}
		lines = append(lines, "- "+l, "  "+o.pal.dim(h.Kind+", from "+p.CiteSource(h.Source)))
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
	for _, r := range relays {
		lines = append(lines, o.relayLine(r)...)
	}
	row("line relays", lines...)
	lines = nil
	for _, s := range p.Sources {
		l := s.Cite()
		if s.Licence != "" {
			l += ", " + s.Licence
		}
		if (o.verbose || strings.HasPrefix(s.File, autoconfig.OverlayFile+"#")) && s.Note != "" {
			l += ": " + s.Note
		}
		lines = append(lines, "- "+l)
	}
	row("sources", lines...)
	if oldest, newest := p.Checked(); oldest != "" {
		row("checked", fmt.Sprintf("%s to %s; the oldest is %s", oldest, newest, age(oldest, time.Now())))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
}

// serverSources are the source files of servers, each once, in order.
func serverSources(ss []autoconfig.ProviderServer) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s.Source) {
			out = append(out, s.Source)
		}
	}
	return out
}

// fromLine says where a group of facts comes from and when that was
// checked: "from Thunderbird ISPDB (ispdb/gmx.net.xml, copy of
// 2026-03-12)".
func (o *output) fromLine(p *autoconfig.Provider, files ...string) string {
	if len(files) == 0 {
		return ""
	}
	var cites []string
	for _, f := range files {
		cites = append(cites, p.CiteSource(f))
	}
	return "   " + o.pal.dim("from "+strings.Join(cites, "; "))
}

// age says how long ago a source date lies, in days, months or years.
func age(date string, now time.Time) string {
	d, ok := autoconfig.SourceAge(date, now)
	if !ok {
		return "of unknown age"
	}
	days := int(d.Hours() / 24)
	switch {
	case days < 0:
		return "dated in the future"
	case days < 60:
		return fmt.Sprintf("%d %s old", days, plural(days, "day", "days"))
	case days < 730:
		return fmt.Sprintf("%d months old", days/30)
	}
	return fmt.Sprintf("%d years old", days/365)
}

// relayLine shows a line relay, or the note of an access provider that
// names none, with its source.
func (o *output) relayLine(r autoconfig.LineRelay) []string {
	what := r.Name + ": no host"
	if r.Server != nil {
		what = fmt.Sprintf("%s: SMTP %s, %s, no login (client-ip-address)", r.Name, r.Server.Addr(), securityWords[r.Server.Security])
	}
	src := "from postino's overlay (" + strings.Join(r.URLs, ", ") + ", checked " + r.Checked
	if r.Unverified != "" {
		src += "; unverified: " + r.Unverified
	}
	return []string{what, "   " + r.Note, "   " + o.pal.dim(src+")")}
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
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.entryWord(e.Status), e.ID, e.DisplayName, o.pal.dim(serverCount(e)+", "+entryAge(e)))
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

// entryAge says how old the facts of an entry are: "facts of 2024-11 to
// 2026-03-12, the oldest is 2 years old".
func entryAge(e verifiedEntry) string {
	if e.CheckedOldest == "" {
		return "facts undated"
	}
	span := e.CheckedOldest
	if e.CheckedNewest != e.CheckedOldest {
		span += " to " + e.CheckedNewest
	}
	return "facts of " + span + ", the oldest is " + age(e.CheckedOldest, time.Now())
}

// relaysReport is the JSON of `providers search --relays`.
type relaysReport struct {
	Schema     string                 `json:"schema"`
	Command    string                 `json:"command"`
	Query      string                 `json:"query"`
	LineRelays []autoconfig.LineRelay `json:"line_relays"`
}

func (o *output) relaySearch(query string, rs []autoconfig.LineRelay) error {
	if o.format == "json" {
		return writeJSON(o.w, relaysReport{Schema: SchemaV1, Command: "providers search --relays", Query: query,
			LineRelays: append([]autoconfig.LineRelay{}, rs...)})
	}
	ew := &errWriter{w: o.w}
	if len(rs) == 0 {
		ew.printf("no line relay's provider or host contains %q\n", query)
		return ew.err
	}
	ew.printf("%d line %s (SMTP without login, only from the access provider's own lines)\n", len(rs), plural(len(rs), "relay", "relays"))
	for _, r := range rs {
		for i, l := range o.relayLine(r) {
			if i == 0 && r.Provider != "" {
				l += o.pal.dim("  [entry " + r.Provider + "]")
			}
			ew.printf("  %s\n", l)
		}
	}
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
