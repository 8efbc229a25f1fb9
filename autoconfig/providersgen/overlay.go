package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// overlay is postino's own corrections and additions to the upstream data
// (data/overlay.json), applied after everything else. Upstream data ages:
// a provider changes its rules and the ISPDB or Delta Chat follow months
// later, or never. Each correction says what the provider says, the pages
// that say it and the day they were read, so that it can be checked again
// and deleted once upstream has caught up.
type overlay struct {
	About       string       `json:"about"`
	Corrections []correction `json:"corrections"`
	LineRelays  []relayEntry `json:"line_relays"`
}

// overlaySource is a page a correction rests on.
type overlaySource struct {
	Ref     string `json:"ref"` // the reference's label in the issue or notes that found it ("M1")
	URL     string `json:"url"`
	Checked string `json:"checked"` // YYYY-MM-DD: the day the page was read
}

// correction changes one entry, or makes it (New).
type correction struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	// Says is what the sources say, in a sentence: the entry's note.
	Says    string          `json:"says"`
	Sources []overlaySource `json:"sources"`
	// Unverified says which part no source confirms, and why it is kept.
	Unverified string `json:"unverified,omitempty"`

	New        *newEntry     `json:"new,omitempty"`
	TakeMX     *takeMX       `json:"take_mx,omitempty"`
	AddDomains []string      `json:"add_domains,omitempty"`
	DropNeeds  []string      `json:"drop_needs,omitempty"`
	DropHints  []string      `json:"drop_hints,omitempty"`
	AddHints   []overlayHint `json:"add_hints,omitempty"`
	Servers    []serverEdit  `json:"servers,omitempty"`
}

// newEntry makes an entry no upstream source has.
type newEntry struct {
	DisplayName string   `json:"display_name"`
	Domains     []string `json:"domains"`
}

// takeMX moves MX suffixes (and the MX table's justification and hints
// with them) from another entry to this one.
type takeMX struct {
	From     string   `json:"from"`
	Suffixes []string `json:"suffixes"`
}

// overlayHint is advice; its needs are stated, not guessed from the text.
type overlayHint struct {
	Kind  string   `json:"kind,omitempty"` // default "before-login"
	Text  string   `json:"text"`
	URL   string   `json:"url,omitempty"`
	Needs []string `json:"needs,omitempty"`
}

// serverEdit adds, replaces or removes one server. Match is the server's
// key, "pop3 pop3s.pec.aruba.it:993 tls".
type serverEdit struct {
	Op     string             `json:"op"` // add, replace, remove
	Match  string             `json:"match,omitempty"`
	Server *autoconfig.Server `json:"server,omitempty"`
}

// relayEntry is an access provider's line relays, or a note that it has
// none or names none.
type relayEntry struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Provider   string          `json:"provider,omitempty"`
	Hosts      []string        `json:"hosts,omitempty"`
	Port       int             `json:"port,omitempty"`
	Security   string          `json:"security,omitempty"`
	Note       string          `json:"note"`
	Sources    []overlaySource `json:"sources"`
	Unverified string          `json:"unverified,omitempty"`
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// parseOverlay reads the overlay and rejects a correction that does not
// say where it comes from and when that was checked.
func parseOverlay(data []byte) (*overlay, error) {
	var o overlay
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	checkID := func(id string) error {
		if id == "" || ids[id] || strings.ContainsAny(id, " #") {
			return fmt.Errorf("id %q: empty, repeated or with a space or #", id)
		}
		ids[id] = true
		return nil
	}
	for _, c := range o.Corrections {
		if err := checkID(c.ID); err != nil {
			return nil, err
		}
		if err := checkSources(c.ID, c.Sources); err != nil {
			return nil, err
		}
		if c.Provider == "" || c.Says == "" {
			return nil, fmt.Errorf("%s: no provider or no says", c.ID)
		}
		for _, h := range c.AddHints {
			for _, n := range h.Needs {
				if !containsString([]string{"app-password", "enable-access", "oauth2"}, n) {
					return nil, fmt.Errorf("%s: need %q is not app-password, enable-access or oauth2", c.ID, n)
				}
			}
		}
		for _, e := range c.Servers {
			if err := e.check(); err != nil {
				return nil, fmt.Errorf("%s: %w", c.ID, err)
			}
		}
	}
	for _, r := range o.LineRelays {
		if err := checkID(r.ID); err != nil {
			return nil, err
		}
		if err := checkSources(r.ID, r.Sources); err != nil {
			return nil, err
		}
		if r.Name == "" || r.Note == "" {
			return nil, fmt.Errorf("%s: a line relay needs a name and a note", r.ID)
		}
	}
	return &o, nil
}

func checkSources(id string, ss []overlaySource) error {
	if len(ss) == 0 {
		return fmt.Errorf("%s: no source: every correction names the page it rests on", id)
	}
	for _, s := range ss {
		if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
			return fmt.Errorf("%s: source %q has no URL", id, s.Ref)
		}
		if !isoDate.MatchString(s.Checked) {
			return fmt.Errorf("%s: source %s has no date checked (YYYY-MM-DD), got %q", id, s.URL, s.Checked)
		}
	}
	return nil
}

func (e serverEdit) check() error {
	switch e.Op {
	case "add":
		if e.Server == nil || e.Match != "" {
			return fmt.Errorf("add takes a server and no match")
		}
	case "replace":
		if e.Server == nil || e.Match == "" {
			return fmt.Errorf("replace takes a match and a server")
		}
	case "remove":
		if e.Server != nil || e.Match == "" {
			return fmt.Errorf("remove takes a match and no server")
		}
	default:
		return fmt.Errorf("server op %q is not add, replace or remove", e.Op)
	}
	if e.Server != nil {
		return autoconfig.CheckServer(*e.Server)
	}
	return nil
}

// oldest is the earliest date the sources were checked: the date the
// correction as a whole is as good as.
func oldest(ss []overlaySource) string {
	d := ss[0].Checked
	for _, s := range ss[1:] {
		if s.Checked < d {
			d = s.Checked
		}
	}
	return d
}

func urls(ss []overlaySource) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.URL)
	}
	return out
}
