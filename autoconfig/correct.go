package autoconfig

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
)

// correctMode handles a published server whose port speaks the other
// security mode than its publication says (SSL on 587 where the server
// speaks STARTTLS, or the reverse): it adds the same host and port in
// the mode that the port speaks, with the same sources and trust, so that
// the mode that works on the published port is recommended rather than
// some guessed port, and it reports the mistake with the source and its
// URL so the domain's admin can fix the file.
func (e *engine) correctMode(c *Candidate) {
	if c.Probe == nil || c.Probe.SpeaksSecurity == "" || c.Probe.SpeaksSecurity == c.Security {
		return
	}
	fixed := c.Server
	fixed.Security = c.Probe.SpeaksSecurity
	key := fixed.Key()
	var published []string
	for _, s := range c.Sources {
		if s != SourceGuess {
			published = append(published, fmt.Sprintf("%s (%s)", s, c.origins[s]))
		}
	}
	if len(published) == 0 {
		// Guesses try both modes on the standard ports themselves; a wrong
		// guess is no one's mistake.
		return
	}
	sort.Strings(published)
	e.findings = append(e.findings, findWrongSecurity.On(c.Server, Values{
		"configured": securityWord(c.Security), "actual": securityWord(fixed.Security), "sources": strings.Join(published, ", "),
		"socket-type": tbSocketType(fixed.Security), "other-port": strconv.Itoa(DefaultPort(c.Protocol, c.Security))}))
	note := fmt.Sprintf("corrected: published with %s, but port %d speaks %s", securityWord(c.Security), c.Port, securityWord(fixed.Security))
	if nc, ok := e.cands[key]; ok {
		// A guess may have found the same endpoint already: it is the
		// publication's server all the same, with its sources and trust.
		for _, s := range c.Sources {
			if !containsSource(nc.Sources, s) {
				nc.Sources = append(nc.Sources, s)
				nc.origins[s] = c.origins[s]
			}
		}
		nc.Trusted = nc.Trusted || c.Trusted
		if c.srcRank < nc.srcRank || (c.srcRank == nc.srcRank && c.pref < nc.pref) {
			nc.srcRank, nc.pref = c.srcRank, c.pref
		}
		nc.Notes = append(nc.Notes, note)
		return
	}
	nc := &Candidate{Server: fixed, Sources: append([]Source(nil), c.Sources...), Trusted: c.Trusted,
		pref: c.pref, srcRank: c.srcRank, origins: maps.Clone(c.origins)}
	nc.Auth = append([]AuthMethod(nil), c.Auth...)
	if c.AuthFromProbe {
		nc.Auth = nil
	}
	nc.Notes = append(nc.Notes, note)
	e.cands[key] = nc
	e.order = append(e.order, key)
	e.startProbe(key, fixed, 0)
}

// CodeWrongSecurity: a publication names a port with the other security
// mode than the port speaks.
const CodeWrongSecurity = "discovery.wrong-security"

func securityWord(s Security) string {
	switch s {
	case SecurityTLS:
		return "implicit TLS"
	case SecurityStartTLS:
		return "STARTTLS"
	}
	return "no encryption"
}
