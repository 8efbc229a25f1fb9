package autoconfig

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ProviderDB is the built-in provider database (providers.json).
type ProviderDB struct {
	Schema    string     `json:"schema"`
	Generated string     `json:"generated,omitempty"`
	Providers []Provider `json:"providers"`

	byDomain map[string]*Provider
}

// Provider is one mail provider as the database knows it.
type Provider struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name"`
	Domains     []string `json:"domains"`
	// MXSuffixes recognise domains hosted at this provider by their MX
	// hosts (".google.com" matches aspmx.l.google.com).
	MXSuffixes []string `json:"mx_suffixes,omitempty"`
	// Servers in order of preference; usernames may hold placeholders
	// (%EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%).
	Incoming []Server `json:"incoming"`
	Outgoing []Server `json:"outgoing"`
	Hints    []string `json:"hints,omitempty"`
	Sources  []string `json:"sources,omitempty"`
}

// ParseProviders reads the provider database.
func ParseProviders(data []byte) (*ProviderDB, error) {
	db := &ProviderDB{}
	if err := json.Unmarshal(data, db); err != nil {
		return nil, fmt.Errorf("autoconfig: provider database: %w", err)
	}
	if db.Schema != "postino-providers/v1" {
		return nil, fmt.Errorf("autoconfig: provider database: unknown schema %q", db.Schema)
	}
	db.byDomain = map[string]*Provider{}
	for i := range db.Providers {
		p := &db.Providers[i]
		for _, d := range p.Domains {
			db.byDomain[strings.ToLower(d)] = p
		}
	}
	return db, nil
}

// Lookup finds the provider serving domain, or nil.
func (db *ProviderDB) Lookup(domain string) *Provider {
	return db.byDomain[strings.ToLower(strings.TrimSuffix(domain, "."))]
}

// ByMX finds the provider whose MX hosts include host, or nil.
func (db *ProviderDB) ByMX(host string) *Provider {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for i := range db.Providers {
		for _, suf := range db.Providers[i].MXSuffixes {
			if strings.HasSuffix(host, suf) || host == strings.TrimPrefix(suf, ".") {
				return &db.Providers[i]
			}
		}
	}
	return nil
}

// servers gives p's servers for addr, placeholders replaced.
func (p *Provider) servers(addr Address) []Server {
	var out []Server
	for _, list := range [][]Server{p.Incoming, p.Outgoing} {
		for _, s := range list {
			s.Username, _ = expandPlaceholders(s.Username, addr)
			out = append(out, s)
		}
	}
	return out
}

func (db *ProviderDB) lookupDomain(addr Address) Lookup {
	start := time.Now()
	lk := Lookup{Source: SourceProviders, Query: "built-in provider database: " + addr.Domain}
	p := db.Lookup(addr.Domain)
	lk.Duration = Duration(time.Since(start))
	if p == nil {
		lk.Outcome, lk.ErrorKind = OutcomeNone, "not-listed"
		return lk
	}
	lk.Outcome, lk.Trusted, lk.Servers = OutcomeFound, true, p.servers(addr)
	lk.Notes = append([]string{"provider " + p.DisplayName + " (" + p.ID + ")"}, p.Hints...)
	return lk
}

// lookupMX matches an MX host against the database's hosting providers.
func (db *ProviderDB) lookupMX(addr Address, mxHost string) (Lookup, bool) {
	p := db.ByMX(mxHost)
	if p == nil {
		return Lookup{}, false
	}
	lk := Lookup{Source: SourceMX, Query: "built-in provider database: MX " + mxHost, Outcome: OutcomeFound, Servers: p.servers(addr)}
	lk.Notes = append([]string{"the MX host " + mxHost + " belongs to " + p.DisplayName}, p.Hints...)
	return lk, true
}
