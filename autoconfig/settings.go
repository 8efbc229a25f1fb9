package autoconfig

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrIncomplete is returned by a writer whose format needs a server for a
// path (incoming or outgoing) that the settings do not have.
var ErrIncomplete = errors.New("autoconfig: settings incomplete")

// Settings are one account's settings as the writers of client config
// formats need them: the servers that work, best first, and what the
// formats can say besides. Settings come from a discovery Result
// (SettingsFromResult) or from a postino/v1 JSON document
// (ParseSettingsJSON).
type Settings struct {
	// Address is the account. With a bare domain (no local part) writers
	// keep the login name as a placeholder or leave it to the client to ask.
	Address Address
	// DisplayName names the provider for people; the domain when nothing
	// better is known.
	DisplayName string
	// Incoming (IMAP and POP3, both kept) and Outgoing (SMTP) servers in
	// order of preference. A Username holds no placeholder when Address
	// has a local part; empty means no source said (the whole address is
	// then assumed, and a writer says so).
	Incoming, Outgoing []Server
	// POP3 holds the options of POP3 servers, keyed by Server.Key.
	POP3 map[string]POP3Options
	// OAuth2 is the provider's OAuth2 endpoint, when a source gave it.
	OAuth2 *OAuth2Info
	// Advice is what the user must do or know beyond the fields (switch
	// IMAP on, an app password, the provider's pages), best source first.
	Advice []Advice
	// IncomingStatus and OutgoingStatus are the verdicts of the discovery
	// behind these settings ("" when the document had none), and Caveats
	// the discovery findings that explain them. Writers ignore all three;
	// the command reports them.
	IncomingStatus, OutgoingStatus Status
	Caveats                        []Finding
}

// DefaultPOP3Options are written for a POP3 server whose source gave no
// options. Leaving mail on the server is the choice that loses nothing:
// a client that deletes what it downloads hides the mail from every other
// device, which a user who has not decided does not expect.
var DefaultPOP3Options = POP3Options{LeaveMessagesOnServer: true, DownloadOnBiff: true}

// SettingsFromResult takes, for each path, the recommended server first,
// then every other candidate that answered its probe, verified ones first,
// each group in rank order. IMAP and POP3 are both kept. A path where
// nothing answered has no servers.
func SettingsFromResult(r *Result) Settings {
	st := Settings{
		Address:        r.Address,
		DisplayName:    r.Address.Domain,
		Incoming:       usableServers(r.Incoming),
		Outgoing:       usableServers(r.Outgoing),
		IncomingStatus: r.Incoming.Status,
		OutgoingStatus: r.Outgoing.Status,
		Caveats:        pathCaveats(r.Findings),
	}
	if p := r.Provider; p != nil {
		if p.DisplayName != "" {
			st.DisplayName = p.DisplayName
		}
		st.OAuth2 = p.OAuth2
		st.Advice = p.Advice
		for _, s := range st.Incoming {
			if o, ok := p.POP3[s.Key()]; ok {
				if st.POP3 == nil {
					st.POP3 = map[string]POP3Options{}
				}
				st.POP3[s.Key()] = o
			}
		}
	}
	st.fillPOP3Defaults()
	return st
}

func usableServers(sr SideResult) []Server {
	var out []Server
	seen := map[string]bool{}
	add := func(s Server) {
		if !seen[s.Key()] {
			seen[s.Key()] = true
			out = append(out, s)
		}
	}
	if sr.Recommended != nil {
		add(sr.Recommended.Server)
	}
	// Candidates are in rank order already; a stable pass keeps it
	// within the verified and the merely answering group.
	cs := append([]Candidate(nil), sr.Candidates...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Verified() && !cs[j].Verified() })
	for i := range cs {
		// Unprobed (--no-probe) candidates are all that is known: keep
		// them in rank order; probed ones must have answered.
		if cs[i].Answered() || (sr.Status == StatusUnknown && cs[i].Probe == nil) {
			add(cs[i].Server)
		}
	}
	return out
}

// pathCaveats keeps the findings that judge a path (discovery.*, on the
// incoming or outgoing side): the ones a person writing a client config
// must hear, such as an untrusted source or an invalid certificate.
func pathCaveats(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if (f.Side == Incoming || f.Side == Outgoing) && strings.HasPrefix(f.Code, "discovery.") && f.Severity != SeverityInfo {
			out = append(out, f)
		}
	}
	return out
}

func (st *Settings) fillPOP3Defaults() {
	for _, s := range st.Incoming {
		if s.Protocol != POP3 {
			continue
		}
		if st.POP3 == nil {
			st.POP3 = map[string]POP3Options{}
		}
		if _, ok := st.POP3[s.Key()]; !ok {
			st.POP3[s.Key()] = DefaultPOP3Options
		}
	}
}

// need returns an error wrapping ErrIncomplete when a path the format
// cannot do without has no server.
func (st Settings) need(format string, incoming, outgoing bool) error {
	switch {
	case incoming && len(st.Incoming) == 0:
		return fmt.Errorf("%w: no incoming (IMAP or POP3) server, which the %s format needs", ErrIncomplete, format)
	case outgoing && len(st.Outgoing) == 0:
		return fmt.Errorf("%w: no outgoing (SMTP) server, which the %s format needs", ErrIncomplete, format)
	}
	return nil
}

// displayName is DisplayName, or the domain.
func (st Settings) displayName() string {
	if st.DisplayName != "" {
		return st.DisplayName
	}
	return st.Address.Domain
}
