package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// changeSummary says what a new build changes against the previous
// providers.json: entries added and removed, and for each entry kept the
// fact groups that differ. It is what a reviewer of a data update reads
// before the diff of the file itself. The previous file is read as plain
// JSON, not through ParseProviders, so that an older schema still compares.
func changeSummary(previous []byte, db *autoconfig.ProviderDB) []string {
	var old autoconfig.ProviderDB
	if err := json.Unmarshal(previous, &old); err != nil {
		return []string{fmt.Sprintf("the previous file does not parse (%v): no comparison", err)}
	}
	before := map[string]autoconfig.Provider{}
	for _, p := range old.Providers {
		before[p.ID] = p
	}
	var added, removed, changed []string
	seen := map[string]bool{}
	for _, p := range db.Providers {
		seen[p.ID] = true
		q, ok := before[p.ID]
		if !ok {
			added = append(added, p.ID)
			continue
		}
		if groups := changedGroups(q, p); len(groups) > 0 {
			changed = append(changed, p.ID+": "+strings.Join(groups, ", "))
		}
	}
	for id := range before {
		if !seen[id] {
			removed = append(removed, id)
		}
	}
	sort.Strings(removed)
	var out []string
	for i, ds := range db.Datasets {
		if i < len(old.Datasets) && old.Datasets[i].Name == ds.Name && old.Datasets[i].Origin != ds.Origin {
			out = append(out, fmt.Sprintf("data set %s: %s (was %s)", ds.Name, ds.Origin, old.Datasets[i].Origin))
		}
	}
	out = append(out, fmt.Sprintf("against the previous file: %d added, %d removed, %d changed", len(added), len(removed), len(changed)))
	if len(added) > 0 {
		out = append(out, "added: "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		out = append(out, "removed: "+strings.Join(removed, ", "))
	}
	for _, c := range changed {
		out = append(out, "changed "+c)
	}
	if !reflect.DeepEqual(old.Relays, db.Relays) {
		out = append(out, fmt.Sprintf("line relays: %d, were %d (changed)", len(db.Relays), len(old.Relays)))
	}
	return out
}

// changedGroups names the fact groups of an entry that differ.
func changedGroups(a, b autoconfig.Provider) []string {
	groups := []struct {
		name string
		x, y any
	}{
		{"display name", a.DisplayName, b.DisplayName},
		{"domains", a.Domains, b.Domains},
		{"MX suffixes", a.MXSuffixes, b.MXSuffixes},
		{"incoming servers", a.Incoming, b.Incoming},
		{"outgoing servers", a.Outgoing, b.Outgoing},
		{"OAuth2", a.OAuth2, b.OAuth2},
		{"status", a.Status, b.Status},
		{"needs", a.Needs, b.Needs},
		{"hints", a.Hints, b.Hints},
		{"documentation", a.Documentation, b.Documentation},
		{"problems", a.Problems, b.Problems},
		{"sources", a.Sources, b.Sources},
	}
	var out []string
	for _, g := range groups {
		// Compare as JSON: nil and empty lists are the same fact.
		x, _ := json.Marshal(g.x)
		y, _ := json.Marshal(g.y)
		if string(x) != string(y) && !(isEmptyJSON(x) && isEmptyJSON(y)) {
			out = append(out, g.name)
		}
	}
	return out
}

func isEmptyJSON(b []byte) bool {
	s := string(b)
	return s == "null" || s == "[]" || s == `""`
}
