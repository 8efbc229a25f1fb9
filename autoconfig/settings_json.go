package autoconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// maxSettingsJSON bounds a --from document. A discover report with
// --verbose transcripts is tens of kilobytes; anything near this is not
// one.
const maxSettingsJSON = 16 << 20

// readDocument is what ParseSettingsJSON reads of a postino/v1 document:
// the settings of a config document, or the paths of a discover (test,
// check) report.
type readDocument struct {
	Schema   *string        `json:"schema"`
	Command  string         `json:"command"`
	Address  string         `json:"address"`
	Domain   string         `json:"domain"`
	Settings *settingsJSON  `json:"settings"`
	Incoming *SideResult    `json:"incoming"`
	Outgoing *SideResult    `json:"outgoing"`
	Findings []Finding      `json:"findings"`
	Provider *ProviderFacts `json:"provider"`
}

// ParseSettingsJSON reads the settings out of a postino/v1 document: what
// `postino discover --format json` prints (the servers SettingsFromResult
// would take) or what `postino config --format json` writes. It touches
// no network. Anything else, and any server postino could not use, is an
// error wrapping ErrSyntax that says what is wrong.
func ParseSettingsJSON(data []byte) (Settings, error) {
	if len(data) > maxSettingsJSON {
		return Settings{}, fmt.Errorf("%w: %d bytes, more than a postino document has", ErrTooLarge, len(data))
	}
	var doc readDocument
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return Settings{}, fmt.Errorf("%w: not a postino JSON document: %w", ErrSyntax, err)
	}
	switch {
	case doc.Schema == nil:
		return Settings{}, fmt.Errorf("%w: not a postino JSON document (it has no \"schema\" field)", ErrSyntax)
	case *doc.Schema != JSONSchema:
		return Settings{}, fmt.Errorf("%w: schema %q, but postino reads %s", ErrSyntax, *doc.Schema, JSONSchema)
	}
	addr, err := ParseAddress(doc.Address)
	if err != nil {
		return Settings{}, fmt.Errorf("%w: \"address\": %w", ErrSyntax, err)
	}
	if doc.Domain != "" && !strings.EqualFold(doc.Domain, addr.Domain) {
		return Settings{}, fmt.Errorf("%w: \"domain\" %q is not the domain of %q", ErrSyntax, doc.Domain, doc.Address)
	}
	var st Settings
	switch {
	case doc.Settings != nil:
		st, err = doc.Settings.settings(addr)
	case doc.Incoming != nil && doc.Outgoing != nil:
		st = SettingsFromResult(&Result{Address: addr, Incoming: *doc.Incoming, Outgoing: *doc.Outgoing, Findings: doc.Findings, Provider: doc.Provider})
	default:
		return Settings{}, fmt.Errorf("%w: the %q document has neither \"settings\" nor \"incoming\" and \"outgoing\"", ErrSyntax, doc.Command)
	}
	if err != nil {
		return Settings{}, err
	}
	st.Caveats = pathCaveats(doc.Findings)
	return st, st.check()
}

func (sj *settingsJSON) settings(addr Address) (Settings, error) {
	st := Settings{
		Address: addr, DisplayName: sj.DisplayName,
		IncomingStatus: sj.Incoming.Status, OutgoingStatus: sj.Outgoing.Status,
	}
	for _, path := range []struct {
		side Side
		list []settingsServer
		dst  *[]Server
	}{{Incoming, sj.Incoming.Servers, &st.Incoming}, {Outgoing, sj.Outgoing.Servers, &st.Outgoing}} {
		for i, ss := range path.list {
			// Normalised first: the POP3 options are keyed by the host.
			s, err := checkSettingsServer(ss.Server, fmt.Sprintf("%s server %d", path.side, i+1), path.side)
			if err != nil {
				return Settings{}, err
			}
			*path.dst = append(*path.dst, s)
			if o := ss.POP3; o != nil && s.Protocol == POP3 {
				if st.POP3 == nil {
					st.POP3 = map[string]POP3Options{}
				}
				st.POP3[s.Key()] = POP3Options{
					LeaveMessagesOnServer: o.LeaveMessagesOnServer, DaysToLeaveMessagesOnServer: o.DaysToLeaveMessagesOnServer,
					DownloadOnBiff: o.DownloadOnBiff, CheckIntervalMinutes: o.CheckIntervalMinutes,
				}
			}
		}
	}
	if o := sj.OAuth2; o != nil {
		st.OAuth2 = &OAuth2Info{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	// An empty list ("advice": [], "needs": []) reads as none, as the
	// writer leaves it out: a written file reads back the same.
	for _, a := range sj.Advice {
		if len(a.Needs) == 0 {
			a.Needs = nil
		}
		st.Advice = append(st.Advice, a)
	}
	return st, nil
}

// check validates and normalises what came from the document, so that
// writers see only servers discovery itself could have produced.
func (st *Settings) check() error {
	if err := printable("display_name", st.DisplayName); err != nil {
		return err
	}
	if st.DisplayName == "" {
		st.DisplayName = st.Address.Domain
	}
	for _, v := range []Status{st.IncomingStatus, st.OutgoingStatus} {
		switch v {
		case "", StatusOK, StatusWarning, StatusBroken, StatusUnknown:
		default:
			return fmt.Errorf("%w: status %q is not ok, warning, broken or unknown", ErrSyntax, v)
		}
	}
	var err error
	if st.Incoming, err = checkSettingsServers(st.Incoming, Incoming); err != nil {
		return err
	}
	if st.Outgoing, err = checkSettingsServers(st.Outgoing, Outgoing); err != nil {
		return err
	}
	for k, o := range st.POP3 {
		if o.DaysToLeaveMessagesOnServer < 0 || o.DaysToLeaveMessagesOnServer > 100000 ||
			o.CheckIntervalMinutes < 0 || o.CheckIntervalMinutes > 100000 {
			return fmt.Errorf("%w: pop3 options of %s: days and minutes must be whole numbers from 0 to 100000", ErrSyntax, k)
		}
	}
	for _, a := range st.Advice {
		for _, f := range []string{a.Kind, a.Text, a.URL} {
			if err := printable("advice", f); err != nil {
				return err
			}
		}
	}
	if o := st.OAuth2; o != nil {
		for _, f := range []string{o.Issuer, o.Scope, o.AuthURL, o.TokenURL} {
			if err := printable("oauth2", f); err != nil {
				return err
			}
		}
	}
	st.fillPOP3Defaults()
	return nil
}

// checkSettingsServers checks every server of a path and drops repeats.
func checkSettingsServers(list []Server, side Side) ([]Server, error) {
	var out []Server
	seen := map[string]bool{}
	for i, s := range list {
		s, err := checkSettingsServer(s, fmt.Sprintf("%s server %d", side, i+1), side)
		if err != nil {
			return nil, err
		}
		if !seen[s.Key()] {
			seen[s.Key()] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// checkSettingsServer refuses what discovery could never have produced and
// normalises the rest (host name case, repeated methods).
func checkSettingsServer(s Server, where string, side Side) (Server, error) {
	if s.Side() != side || (s.Protocol != IMAP && s.Protocol != POP3 && s.Protocol != SMTP) {
		return s, fmt.Errorf("%w: %s: protocol %q does not belong there", ErrSyntax, where, s.Protocol)
	}
	host, err := checkServerHost(s.Host)
	if err != nil {
		return s, fmt.Errorf("%w: %s: host %q %v", ErrSyntax, where, s.Host, err)
	}
	s.Host = host
	if s.Port < 1 || s.Port > 65535 {
		return s, fmt.Errorf("%w: %s: port %d is not from 1 to 65535", ErrSyntax, where, s.Port)
	}
	switch s.Security {
	case SecurityTLS, SecurityStartTLS, SecurityNone:
	default:
		return s, fmt.Errorf("%w: %s: security %q is not tls, starttls or none", ErrSyntax, where, s.Security)
	}
	if len(s.Username) > 320 {
		return s, fmt.Errorf("%w: %s: the username is longer than 320 characters", ErrSyntax, where)
	}
	if err := printable(where+" username", s.Username); err != nil {
		return s, err
	}
	if len(s.Auth) > maxDocAuth {
		return s, fmt.Errorf("%w: %s: more than %d authentication methods", ErrSyntax, where, maxDocAuth)
	}
	var auth []AuthMethod
	for _, m := range s.Auth {
		if !knownAuth(m) {
			return s, fmt.Errorf("%w: %s: authentication %q is not one postino knows", ErrSyntax, where, m)
		}
		if !containsAuth(auth, m) {
			auth = append(auth, m)
		}
	}
	s.Auth = auth
	return s, nil
}

func knownAuth(m AuthMethod) bool {
	switch m {
	case AuthPasswordCleartext, AuthPasswordEncrypted, AuthOAuth2, AuthNTLM, AuthGSSAPI,
		AuthClientIP, AuthTLSClientCert, AuthNone:
		return true
	}
	return false
}

// printable refuses control characters, which would break the lines of
// the text and DNS formats and have no place in a name.
func printable(what, s string) error {
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%w: %s %q contains a control character", ErrSyntax, what, s)
		}
	}
	return nil
}
