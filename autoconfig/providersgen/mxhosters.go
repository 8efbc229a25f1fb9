package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// mxTable is data/mx-hosters.json: postino's own table of hosting
// providers recognised by their customers' MX hosts.
type mxTable struct {
	About    string       `json:"about"`
	Date     string       `json:"date"`
	Hosters  []mxHoster   `json:"hosters"`
	Rejected []mxRejected `json:"rejected"`
}

type mxHoster struct {
	Provider      string   `json:"provider"` // the database entry's id
	Name          string   `json:"name"`
	MXSuffixes    []string `json:"mx_suffixes"`
	Justification string   `json:"justification"`
	// Hint is advice for every user of this provider (shown as a hint of
	// kind "hoster").
	Hint string `json:"hint,omitempty"`
}

// mxRejected is a service whose MX hosts look like a hoster's but say
// nothing about mailboxes; kept so nobody adds it without reading why.
type mxRejected struct {
	Name       string   `json:"name"`
	MXSuffixes []string `json:"mx_suffixes"`
	Why        string   `json:"why"`
}

// parseMXTable reads and checks the table: every hoster justified, every
// suffix well-formed and claimed once, none of them rejected.
func parseMXTable(data []byte) (*mxTable, error) {
	var t mxTable
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&t); err != nil {
		return nil, err
	}
	if t.Date == "" {
		return nil, fmt.Errorf("no date")
	}
	rejected := map[string]string{}
	for _, r := range t.Rejected {
		if r.Why == "" {
			return nil, fmt.Errorf("rejected %s: no reason", r.Name)
		}
		for _, s := range r.MXSuffixes {
			rejected[s] = r.Name
		}
	}
	seen := map[string]string{}
	for _, h := range t.Hosters {
		if h.Provider == "" || h.Name == "" || len(h.MXSuffixes) == 0 || len(h.Justification) < 20 {
			return nil, fmt.Errorf("hoster %q: needs a provider, a name, MX suffixes and a justification naming the MX hosts", h.Name)
		}
		for _, s := range h.MXSuffixes {
			if !strings.HasPrefix(s, ".") || strings.Count(s, ".") < 2 || s != strings.ToLower(s) {
				return nil, fmt.Errorf("hoster %s: MX suffix %q is not a lower-case .name.tld", h.Name, s)
			}
			if other, ok := seen[s]; ok {
				return nil, fmt.Errorf("MX suffix %s claimed by %s and %s", s, other, h.Name)
			}
			if r, ok := rejected[s]; ok {
				return nil, fmt.Errorf("hoster %s: MX suffix %s belongs to %s, which is rejected", h.Name, s, r)
			}
			seen[s] = h.Name
		}
	}
	return &t, nil
}
