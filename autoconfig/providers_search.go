package autoconfig

import (
	"sort"
	"strings"
)

// ProviderMatch is one result of ProviderDB.Search.
type ProviderMatch struct {
	Provider *Provider
	// Field is what matched: "id", "name" or "domain".
	Field string
	// Value is the matching id, name or domain.
	Value string
	// Rank orders the matches, lower first (see Search).
	Rank int
}

// Match ranks, best first: the whole id or a whole domain, the start of
// the id, name or a domain, then anywhere inside them.
const (
	rankExactID = iota
	rankExactDomain
	rankExactName
	rankPrefixID
	rankPrefixName
	rankPrefixDomain
	rankInID
	rankInName
	rankInDomain
)

// Search finds the providers whose id, display name or a domain contains
// text, case-insensitively, ranked by how well they match (whole before
// start before inside; id before name before domain), then by id. Each
// provider appears once, with its best match. Empty text matches nothing.
func (db *ProviderDB) Search(text string) []ProviderMatch {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" {
		return nil
	}
	var out []ProviderMatch
	for i := range db.Providers {
		p := &db.Providers[i]
		best := ProviderMatch{Provider: p, Rank: -1}
		try := func(field, value string, exact, prefix, inside int) {
			v := strings.ToLower(value)
			r := -1
			switch {
			case v == q:
				r = exact
			case strings.HasPrefix(v, q) || strings.Contains(v, " "+q):
				r = prefix
			case strings.Contains(v, q):
				r = inside
			}
			if r >= 0 && (best.Rank < 0 || r < best.Rank) {
				best.Field, best.Value, best.Rank = field, value, r
			}
		}
		try("id", p.ID, rankExactID, rankPrefixID, rankInID)
		try("name", p.DisplayName, rankExactName, rankPrefixName, rankInName)
		for _, d := range p.Domains {
			try("domain", d, rankExactDomain, rankPrefixDomain, rankInDomain)
		}
		if best.Rank >= 0 {
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rank != out[j].Rank {
			return out[i].Rank < out[j].Rank
		}
		return out[i].Provider.ID < out[j].Provider.ID
	})
	return out
}
