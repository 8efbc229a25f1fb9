package autoconfig

import "fmt"

// LineRelay is an access provider's SMTP relay for its own lines: it takes
// mail without a login from connections of that provider's customers
// (authentication client-IP-address) and nobody else's. Some access
// providers block outgoing port 25 and exempt only their own relay; others
// have none. Each entry rests on the provider's page or a report of it,
// cited in URLs with the day it was read.
type LineRelay struct {
	// Name is the access provider ("Deutsche Telekom").
	Name string `json:"name"`
	// Provider is its mail service's entry in the database, when it has
	// one.
	Provider string `json:"provider,omitempty"`
	// Server is the relay; nil when the source names no host (a line that
	// may send on port 25 directly, or a provider that has no relay): Note
	// then says what the source does say.
	Server *Server `json:"server,omitempty"`
	Note   string  `json:"note"`
	// Source is the overlay correction the entry comes from
	// ("overlay.json#telekom-relays").
	Source     string   `json:"source"`
	URLs       []string `json:"urls"`
	Checked    string   `json:"checked"`
	Unverified string   `json:"unverified,omitempty"`
}

// check reports what makes r unusable: a relay must say where it comes
// from, and a server must be an SMTP server authenticated by client IP.
func (r LineRelay) check() error {
	if r.Name == "" || r.Note == "" || len(r.URLs) == 0 || r.Checked == "" {
		return fmt.Errorf("a relay needs a name, a note, source URLs and the date they were checked")
	}
	if r.Server == nil {
		return nil
	}
	if err := checkProviderServer(*r.Server); err != nil {
		return fmt.Errorf("server %s: %w", r.Server, err)
	}
	if r.Server.Protocol != SMTP || len(r.Server.Auth) != 1 || r.Server.Auth[0] != AuthClientIP {
		return fmt.Errorf("server %s: a line relay is SMTP with authentication client-ip-address only", r.Server)
	}
	return nil
}

// LineRelays returns the access providers' line relays, those with a host
// and those recorded as a note without one (Server nil), in the
// database's order. The servers' Auth is [AuthClientIP]: they serve only
// connections from the provider's own lines, and a ranking should prefer
// them only there. The result is a copy.
func (db *ProviderDB) LineRelays() []LineRelay {
	out := make([]LineRelay, len(db.Relays))
	for i, r := range db.Relays {
		if r.Server != nil {
			s := *r.Server
			s.Auth = append([]AuthMethod(nil), s.Auth...)
			r.Server = &s
		}
		r.URLs = append([]string(nil), r.URLs...)
		out[i] = r
	}
	return out
}
