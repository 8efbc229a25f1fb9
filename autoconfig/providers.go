package autoconfig

import (
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// ProviderSchema names the providers.json format that ParseProviders reads.
const ProviderSchema = "postino-providers/v2"

// ProviderDB is the built-in provider database (providers.json), generated
// by autoconfig/providersgen from the project's copy of the Thunderbird
// ISPDB, Delta Chat's provider notes and postino's own table of hosting
// providers recognised by their MX hosts. Every fact in it names the file
// it came from.
//
// A ProviderDB is read-only after ParseProviders and safe for concurrent
// use.
type ProviderDB struct {
	Schema string `json:"schema"`
	// Generated says how the file is made; it is never edited by hand.
	Generated string `json:"generated"`
	Licence   string `json:"licence"`
	// Datasets describe the source data sets the entries' sources name.
	Datasets  []Dataset  `json:"datasets"`
	Providers []Provider `json:"providers"`
	// LineRelays are the access providers' relays for their own lines
	// (see LineRelay); read them with ProviderDB.LineRelays.
	Relays []LineRelay `json:"line_relays,omitempty"`

	byID     map[string]*Provider
	byDomain map[string]*Provider // exact domains and "*.parent" wildcards
}

// Dataset is one source data set of the database, as copied into the
// project.
type Dataset struct {
	// Name prefixes the file names of the sources that come from it
	// ("ispdb" for "ispdb/gmx.net.xml").
	Name    string `json:"name"`
	Title   string `json:"title"`
	Origin  string `json:"origin"` // where the copy was taken from, and when
	Licence string `json:"licence"`
}

// Provider is one mail provider as the database knows it.
type Provider struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	ShortName   string `json:"short_name,omitempty"`
	// Domains are the mail domains the provider serves; "*.example.net"
	// stands for every subdomain of example.net.
	Domains []string `json:"domains"`
	// MXSuffixes recognise domains hosted at this provider by their MX
	// hosts: ".google.com" matches aspmx.l.google.com, and a final ".*"
	// stands for any public suffix (".ionos.*" matches mx00.ionos.co.uk).
	MXSuffixes []string `json:"mx_suffixes,omitempty"`
	// Incoming and Outgoing are in the provider's order of preference.
	// Host names and usernames may hold placeholders (%EMAILADDRESS%,
	// %EMAILLOCALPART%, %EMAILDOMAIN%), replaced for each address.
	Incoming []ProviderServer `json:"incoming"`
	Outgoing []ProviderServer `json:"outgoing"`
	// Username is the login name template every server shares, empty when
	// they differ.
	Username string `json:"username,omitempty"`
	// Auth lists every authentication method the servers accept.
	Auth   []AuthMethod    `json:"auth,omitempty"`
	OAuth2 *ProviderOAuth2 `json:"oauth2,omitempty"`
	// Status is Delta Chat's rating, when it has one: "ok", "preparation"
	// (something must be done before the first login) or "broken" (a
	// password login with the standard protocols did not work).
	Status string `json:"status,omitempty"`
	// Needs sums up what the hints ask of the user: "app-password",
	// "enable-access" (switch IMAP/POP access on first), "oauth2" (every
	// server takes OAuth2 only).
	Needs         []string          `json:"needs,omitempty"`
	Hints         []ProviderHint    `json:"hints,omitempty"`
	Documentation []ProviderLink    `json:"documentation,omitempty"`
	Problems      []ProviderProblem `json:"problems,omitempty"`
	Sources       []ProviderSource  `json:"sources"`
}

// ProviderServer is one server of a provider entry.
type ProviderServer struct {
	Server
	// Restriction is "client-ip-address" for a server that serves only
	// connections from the provider's own access network (an ISP's relay
	// for its customers), whatever its authentication.
	Restriction AuthMethod `json:"restriction,omitempty"`
	// Condition says in words when the server can be used; shown wherever
	// the server is.
	Condition string `json:"condition,omitempty"`
	Source    string `json:"source"`
}

// ProviderOAuth2 is what a source says about the provider's OAuth2 issuer.
type ProviderOAuth2 struct {
	Issuer   string `json:"issuer"`
	Scope    string `json:"scope,omitempty"`
	AuthURL  string `json:"auth_url,omitempty"`
	TokenURL string `json:"token_url,omitempty"`
	Source   string `json:"source"`
}

// ProviderHint is advice for the user of an account at the provider.
type ProviderHint struct {
	// Kind is "before-login", "after-login", "status" (Delta Chat's notes),
	// "enable" (the ISPDB's <enable> instruction) or "hoster" (postino's MX
	// table).
	Kind string `json:"kind"`
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
	// Needs is what the hint asks of the user, as in Provider.Needs.
	Needs  []string `json:"needs,omitempty"`
	Source string   `json:"source"`
}

// ProviderLink is a documentation page.
type ProviderLink struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source"`
}

// ProviderProblem is a flaw the generator found in a source file; the data
// concerned was fixed, skipped or kept as the problem says.
type ProviderProblem struct {
	Text   string `json:"text"`
	Source string `json:"source"`
}

// ProviderSource is one file an entry's facts come from.
type ProviderSource struct {
	// File is the dataset name and file ("deltachat/gmail.md").
	File    string `json:"file"`
	Licence string `json:"licence"`
	// Date is when the source last stated its facts: the commit date of
	// the ISPDB copy, Delta Chat's last_checked, or the date written in
	// postino's own table.
	Date string `json:"date"`
	// Domains are the domains this file lists for the provider.
	Domains []string `json:"domains,omitempty"`
	// Note is the source's justification, for hand-written facts.
	Note string `json:"note,omitempty"`
	// URLs are the pages a correction of postino's overlay rests on; Date
	// is then the day they were last read.
	URLs []string `json:"urls,omitempty"`
	// Unverified says which part of an overlay correction no source
	// confirms, and why it is there anyway.
	Unverified string `json:"unverified,omitempty"`
}

// ParseProviders reads and checks a provider database. Errors wrap
// ErrSyntax.
func ParseProviders(data []byte) (*ProviderDB, error) {
	db := &ProviderDB{}
	if err := json.Unmarshal(data, db); err != nil {
		return nil, fmt.Errorf("%w: provider database: %w", ErrSyntax, err)
	}
	if db.Schema != ProviderSchema {
		return nil, fmt.Errorf("%w: provider database: schema %q, want %q", ErrSyntax, db.Schema, ProviderSchema)
	}
	db.byID = map[string]*Provider{}
	db.byDomain = map[string]*Provider{}
	for i := range db.Providers {
		p := &db.Providers[i]
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("%w: provider database: entry %q: %w", ErrSyntax, p.ID, err)
		}
		id := strings.ToLower(p.ID)
		if db.byID[id] != nil {
			return nil, fmt.Errorf("%w: provider database: entry %q appears twice", ErrSyntax, p.ID)
		}
		db.byID[id] = p
		for _, d := range p.Domains {
			d = strings.ToLower(d)
			if q := db.byDomain[d]; q != nil {
				return nil, fmt.Errorf("%w: provider database: domain %q in both %q and %q", ErrSyntax, d, q.ID, p.ID)
			}
			db.byDomain[d] = p
		}
	}
	for _, r := range db.Relays {
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("%w: provider database: line relay of %s: %w", ErrSyntax, r.Name, err)
		}
	}
	return db, nil
}

// check reports what makes p unusable.
func (p *Provider) check() error {
	if p.ID == "" || p.DisplayName == "" {
		return fmt.Errorf("no id or display name")
	}
	if len(p.Domains) == 0 && len(p.MXSuffixes) == 0 {
		return fmt.Errorf("neither domains nor MX suffixes")
	}
	for _, d := range p.Domains {
		if strings.TrimPrefix(d, "*.") == "" || strings.ContainsAny(d, " /@%") {
			return fmt.Errorf("domain %q is not a domain name", d)
		}
	}
	for _, s := range p.MXSuffixes {
		if !strings.HasPrefix(s, ".") || len(s) < 3 {
			return fmt.Errorf("MX suffix %q does not start with a dot", s)
		}
	}
	for _, s := range append(append([]ProviderServer(nil), p.Incoming...), p.Outgoing...) {
		if err := checkProviderServer(s.Server); err != nil {
			return fmt.Errorf("server %s: %w", s.Server, err)
		}
	}
	for _, s := range p.Incoming {
		if s.Side() != Incoming {
			return fmt.Errorf("server %s listed as incoming", s.Server)
		}
	}
	for _, s := range p.Outgoing {
		if s.Side() != Outgoing {
			return fmt.Errorf("server %s listed as outgoing", s.Server)
		}
	}
	return nil
}

// CheckServer reports what is wrong with a server read from a data file:
// an unknown protocol or security, a port out of range, or a host name
// that cannot be dialled. A host or username may hold the clientConfig
// placeholders; a broken one is an error.
func CheckServer(s Server) error {
	if err := checkProviderServer(s); err != nil {
		return fmt.Errorf("autoconfig: %w", err)
	}
	return nil
}

func checkProviderServer(s Server) error {
	switch s.Protocol {
	case IMAP, POP3, SMTP:
	default:
		return fmt.Errorf("unknown protocol %q", s.Protocol)
	}
	switch s.Security {
	case SecurityTLS, SecurityStartTLS, SecurityNone:
	default:
		return fmt.Errorf("unknown security %q", s.Security)
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("port %d is not from 1 to 65535", s.Port)
	}
	sample := Address{Local: "alice", Domain: "example.com"}
	host, bad := expandPlaceholders(s.Host, sample)
	if bad == "" {
		_, bad = expandPlaceholders(s.Username, sample)
	}
	if bad != "" {
		return fmt.Errorf("%s", bad)
	}
	if _, err := checkServerHost(host); err != nil {
		return fmt.Errorf("host %q %w", s.Host, err)
	}
	return nil
}

// ByID finds the entry with this id (case-insensitive), or nil.
func (db *ProviderDB) ByID(id string) *Provider { return db.byID[strings.ToLower(id)] }

// Lookup finds the provider serving domain, or nil. An exact domain wins
// over a "*.parent" wildcard, and a nearer wildcard over a farther one.
func (db *ProviderDB) Lookup(domain string) *Provider {
	d := normalDomain(domain)
	if p := db.byDomain[d]; p != nil {
		return p
	}
	for i := strings.IndexByte(d, '.'); i >= 0; i = strings.IndexByte(d, '.') {
		d = d[i+1:]
		if p := db.byDomain["*."+d]; p != nil {
			return p
		}
	}
	return nil
}

// normalDomain is domain in lower-case A-label form without a final dot.
func normalDomain(domain string) string {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if a, err := idna.Lookup.ToASCII(d); err == nil && a != "" {
		d = a
	}
	return d
}

// ByMX finds the provider whose MX hosts include host, or nil. The longest
// matching suffix wins, so a specific hosting product beats a general one.
func (db *ProviderDB) ByMX(host string) *Provider {
	p, _ := db.byMX(host)
	return p
}

// byMX is ByMX that also says which suffix matched.
func (db *ProviderDB) byMX(host string) (*Provider, string) {
	host = normalDomain(host)
	var best *Provider
	var bestSuffix string
	for i := range db.Providers {
		for _, suf := range db.Providers[i].MXSuffixes {
			if len(suf) > len(bestSuffix) && mxMatch(host, suf) {
				best, bestSuffix = &db.Providers[i], suf
			}
		}
	}
	return best, bestSuffix
}

// mxMatch reports whether host lies under suffix (".google.com"), or,
// for a suffix ending in ".*", under it followed by any public suffix.
func mxMatch(host, suffix string) bool {
	if stem, ok := strings.CutSuffix(suffix, ".*"); ok {
		ps, _ := publicsuffix.PublicSuffix(host)
		if ps == "" || ps == host {
			return false
		}
		host = strings.TrimSuffix(host, "."+ps)
		suffix = stem
	}
	return strings.HasSuffix(host, suffix) || host == strings.TrimPrefix(suffix, ".")
}
