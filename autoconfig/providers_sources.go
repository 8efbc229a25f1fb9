package autoconfig

import (
	"strings"
	"time"
)

// OverlayFile names postino's overlay in the sources of the facts it sets:
// "overlay.json#gmail-imap-always-on".
const OverlayFile = "overlay.json"

// Source finds the entry's source with this file name.
func (p *Provider) Source(file string) (ProviderSource, bool) {
	for _, s := range p.Sources {
		if s.File == file {
			return s, true
		}
	}
	return ProviderSource{}, false
}

// Origin is the data set a source file belongs to, in words.
func (s ProviderSource) Origin() string {
	switch {
	case strings.HasPrefix(s.File, "ispdb/"):
		return "Thunderbird ISPDB"
	case strings.HasPrefix(s.File, "deltachat/"):
		return "Delta Chat provider notes"
	case strings.HasPrefix(s.File, OverlayFile+"#"):
		return "postino's overlay"
	case s.File == "mx-hosters.json":
		return "postino's MX hoster table"
	}
	return s.File
}

// Cite says where a fact comes from and when that was last checked:
// "Delta Chat provider notes (deltachat/gmail.md, checked 2025-09)", and
// for the overlay the pages it rests on.
func (s ProviderSource) Cite() string {
	what := s.File
	if strings.HasPrefix(s.File, OverlayFile+"#") {
		what = strings.Join(append([]string{strings.TrimPrefix(s.File, OverlayFile+"#")}, s.URLs...), ", ")
	}
	date := "checked " + s.Date
	if strings.HasPrefix(s.File, "ispdb/") {
		// The ISPDB gives no per-file date: the copy's commit date.
		date = "copy of " + s.Date
	}
	if s.Origin() == s.File {
		return s.File + ", " + date
	}
	out := s.Origin() + " (" + what + ", " + date
	if s.Unverified != "" {
		out += "; unverified: " + s.Unverified
	}
	return out + ")"
}

// CiteSource cites the entry's source file, or the bare name when the
// entry does not list it.
func (p *Provider) CiteSource(file string) string {
	if s, ok := p.Source(file); ok {
		return s.Cite()
	}
	return file
}

// Checked is the oldest and newest date among the entry's sources: when
// its facts were last stated or checked. Delta Chat dates some notes to
// the month only ("2024-11").
func (p *Provider) Checked() (oldest, newest string) {
	for _, s := range p.Sources {
		if s.Date == "" {
			continue
		}
		if oldest == "" || s.Date < oldest {
			oldest = s.Date
		}
		if s.Date > newest {
			newest = s.Date
		}
	}
	return oldest, newest
}

// SourceAge is how long before now a source date ("2024-11-22",
// "2024-11" or "2024") lies, counted from the start of the month or year
// a partial date names; false when the date does not parse.
func SourceAge(date string, now time.Time) (time.Duration, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, date); err == nil {
			return now.Sub(t), true
		}
	}
	return 0, false
}
