package autoconfig

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// MozillaConfig is a parsed Mozilla autoconfig document (clientConfig 1.1,
// and the 1.2 draft's additions where they concern mail), as published at
// autoconfig.DOMAIN, /.well-known/autoconfig or in the ISPDB.
type MozillaConfig struct {
	ID, DisplayName, ShortName string
	Domains                    []string
	// Incoming holds the IMAP and POP3 servers in file order, which is the
	// publisher's order of preference. Other types (exchange, ews, jmap…)
	// are left out and mentioned in Notes.
	Incoming []Server
	// Outgoing holds the SMTP servers in file order.
	Outgoing []Server
	// POP3 holds the <pop3> options of POP3 servers, keyed by Server.Key,
	// for writers that reproduce the file.
	POP3 map[string]POP3Options
	// OAuth2 is the document's <oAuth2> block, if any.
	OAuth2 *OAuth2Info
	// Documentation lists the url attributes of <documentation>.
	Documentation []string
	// Advice holds the <enable> instructions and the <documentation>
	// pages with their descriptions, for the writers to pass on.
	Advice []Advice
	// Problems are data problems in the document, each a plain sentence
	// (a broken placeholder, an unknown socketType, a server postino had to
	// skip…). Skipped servers are not in Incoming or Outgoing.
	Problems []string
	// Notes are remarks that are not problems, such as server types postino
	// does not use.
	Notes []string

	hints []string // how the publisher fixes each of Problems
}

// POP3Options are the <pop3> settings of one POP3 server.
type POP3Options struct {
	LeaveMessagesOnServer       bool `json:"leave_messages_on_server"`
	DaysToLeaveMessagesOnServer int  `json:"days_to_leave_messages_on_server,omitempty"`
	DownloadOnBiff              bool `json:"download_on_biff"`
	CheckIntervalMinutes        int  `json:"check_interval_minutes,omitempty"`
}

// OAuth2Info is a clientConfig <oAuth2> block.
type OAuth2Info struct {
	Issuer   string `json:"issuer"`
	Scope    string `json:"scope"`
	AuthURL  string `json:"auth_url"`
	TokenURL string `json:"token_url"`
}

type mozRawConfig struct {
	XMLName   xml.Name         `xml:"clientConfig"`
	Providers []mozRawProvider `xml:"emailProvider"`
	// Some ISPDB files put <enable> beside <emailProvider>.
	Enable []mozRawEnable `xml:"enable"`
	OAuth2 []struct {
		Issuer   string `xml:"issuer"`
		Scope    string `xml:"scope"`
		AuthURL  string `xml:"authURL"`
		TokenURL string `xml:"tokenURL"`
	} `xml:"oAuth2"`
}

type mozRawProvider struct {
	ID            string         `xml:"id,attr"`
	Domains       []string       `xml:"domain"`
	DisplayName   string         `xml:"displayName"`
	ShortName     string         `xml:"displayShortName"`
	Incoming      []mozRawServer `xml:"incomingServer"`
	Outgoing      []mozRawServer `xml:"outgoingServer"`
	Documentation []struct {
		URL   string           `xml:"url,attr"`
		Descr []mozRawLangText `xml:"descr"`
	} `xml:"documentation"`
	Enable []mozRawEnable `xml:"enable"`
}

// mozRawEnable is an <enable visiturl="…"><instruction>…</instruction>
// block: what to switch on in the provider's web interface first.
type mozRawEnable struct {
	VisitURL    string           `xml:"visiturl,attr"`
	Instruction []mozRawLangText `xml:"instruction"`
}

type mozRawLangText struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

// english picks the English text (or the one without a language, else the
// first) of a translated element.
func english(ts []mozRawLangText) string {
	best := ""
	for i, t := range ts {
		text := strings.Join(strings.Fields(t.Text), " ")
		if i == 0 || t.Lang == "" || strings.HasPrefix(strings.ToLower(t.Lang), "en") {
			best = text
			if strings.HasPrefix(strings.ToLower(t.Lang), "en") {
				break
			}
		}
	}
	return best
}

type mozRawServer struct {
	Type       string  `xml:"type,attr"`
	Hostname   *string `xml:"hostname"`
	Port       *string `xml:"port"`
	SocketType *string `xml:"socketType"`
	Username   *string `xml:"username"`
	Auth       []struct {
		System string `xml:"system,attr"`
		Value  string `xml:",chardata"`
	} `xml:"authentication"`
	UseGlobalPreferredServer string `xml:"useGlobalPreferredServer"`
	POP3                     *struct {
		Leave         string `xml:"leaveMessagesOnServer"`
		Days          string `xml:"daysToLeaveMessagesOnServer"`
		DownloadOnBif string `xml:"downloadOnBiff"`
		CheckInterval struct {
			Minutes string `xml:"minutes,attr"`
		} `xml:"checkInterval"`
	} `xml:"pop3"`
}

// ParseMozilla reads a clientConfig document for addr, whose address
// fills the username and hostname placeholders. Unknown elements are
// ignored (the format's must-ignore rule), any version is accepted, and a
// server with bad data is skipped and reported in Problems while the rest
// is kept. A document that is not XML, has no <emailProvider> or no
// usable server gives an error wrapping ErrSyntax; one over the size limit
// wraps ErrTooLarge.
func ParseMozilla(data []byte, addr Address) (*MozillaConfig, error) {
	var raw mozRawConfig
	if err := decodeXMLDocument(data, &raw); err != nil {
		return nil, err
	}
	if len(raw.Providers) == 0 {
		return nil, fmt.Errorf("%w: no <emailProvider> element", ErrSyntax)
	}
	p := raw.Providers[0]
	if n := len(p.Incoming) + len(p.Outgoing); n > maxDocServers {
		return nil, fmt.Errorf("%w: %d servers, more than %d", ErrSyntax, n, maxDocServers)
	}
	if len(p.Domains) > maxDocDomains {
		return nil, fmt.Errorf("%w: %d domains, more than %d", ErrSyntax, len(p.Domains), maxDocDomains)
	}
	c := &MozillaConfig{
		ID:          strings.TrimSpace(p.ID),
		DisplayName: strings.TrimSpace(p.DisplayName),
		ShortName:   strings.TrimSpace(p.ShortName),
	}
	if len(raw.Providers) > 1 {
		c.problem("keep one <emailProvider> per document",
			"the document has %d <emailProvider> elements; clients read only the first", len(raw.Providers))
	}
	for _, d := range p.Domains {
		if d = strings.TrimSpace(d); d != "" {
			c.Domains = append(c.Domains, d)
		}
	}
	for i, rs := range p.Incoming {
		c.addServer(rs, true, i+1, addr)
	}
	for i, rs := range p.Outgoing {
		c.addServer(rs, false, i+1, addr)
	}
	if len(c.Incoming)+len(c.Outgoing) == 0 {
		why := ""
		if len(c.Problems) > 0 {
			why = " (" + strings.Join(c.Problems, "; ") + ")"
		}
		return nil, fmt.Errorf("%w: no usable IMAP, POP3 or SMTP server%s", ErrSyntax, why)
	}
	if len(raw.OAuth2) > 0 {
		o := raw.OAuth2[0]
		c.OAuth2 = &OAuth2Info{
			Issuer:   strings.TrimSpace(o.Issuer),
			Scope:    strings.TrimSpace(o.Scope),
			AuthURL:  strings.TrimSpace(o.AuthURL),
			TokenURL: strings.TrimSpace(o.TokenURL),
		}
	}
	for _, e := range append(append([]mozRawEnable(nil), p.Enable...), raw.Enable...) {
		c.Advice = mergeAdvice(c.Advice, Advice{Kind: AdviceEnable, Text: english(e.Instruction), URL: strings.TrimSpace(e.VisitURL),
			Needs: []string{"enable-access"}})
	}
	for _, d := range p.Documentation {
		if u := strings.TrimSpace(d.URL); u != "" {
			c.Documentation = append(c.Documentation, u)
			c.Advice = mergeAdvice(c.Advice, Advice{Kind: AdviceDocumentation, Text: english(d.Descr), URL: u})
		}
	}
	return c, nil
}

func (c *MozillaConfig) problem(hint, format string, args ...any) {
	c.Problems = append(c.Problems, fmt.Sprintf(format, args...))
	c.hints = append(c.hints, hint)
}

// addServer checks one incomingServer or outgoingServer element and adds it
// when it is usable; n is its position among its siblings, for messages.
func (c *MozillaConfig) addServer(rs mozRawServer, incoming bool, n int, addr Address) {
	elem := "outgoingServer"
	if incoming {
		elem = "incomingServer"
	}
	typ := strings.ToLower(strings.TrimSpace(rs.Type))
	var proto Protocol
	switch {
	case incoming && typ == "imap":
		proto = IMAP
	case incoming && typ == "pop3":
		proto = POP3
	case !incoming && typ == "smtp":
		proto = SMTP
	default:
		// Not used, but a broken placeholder here breaks other clients.
		if rs.Username != nil {
			if _, bad := expandPlaceholders(strings.TrimSpace(*rs.Username), addr); bad != "" {
				c.problem(placeholderHint, "%s %d (type %q): username %s", elem, n, rs.Type, bad)
			}
		}
		c.Notes = append(c.Notes, fmt.Sprintf("%s %d has type %q, which is not IMAP, POP3 or SMTP: not used", elem, n, rs.Type))
		return
	}
	where := fmt.Sprintf("%s %d (%s)", elem, n, proto)
	if rs.Hostname == nil || rs.Port == nil || rs.SocketType == nil {
		c.problem("give every server a <hostname>, <port> and <socketType>",
			"%s lacks a <hostname>, <port> or <socketType>: skipped", where)
		return
	}
	host, bad := expandPlaceholders(strings.TrimSpace(*rs.Hostname), addr)
	if bad != "" {
		c.problem(placeholderHint, "%s: hostname %s: skipped", where, bad)
		return
	}
	if strings.Contains(host, "%") && !addr.HasLocal() {
		c.Notes = append(c.Notes, fmt.Sprintf("%s: hostname %q depends on the mailbox name, which was not given: not used", where, host))
		return
	}
	host, err := checkServerHost(host)
	if err != nil {
		c.problem("publish the server's DNS name, without scheme, path or spaces",
			"%s: hostname %q %v: skipped", where, strings.TrimSpace(*rs.Hostname), err)
		return
	}
	port, err := strconv.Atoi(strings.TrimSpace(*rs.Port))
	if err != nil || port < 1 || port > 65535 {
		c.problem("give the port as a number from 1 to 65535",
			"%s %s: port %q is not a number from 1 to 65535: skipped", where, host, strings.TrimSpace(*rs.Port))
		return
	}
	s := Server{Protocol: proto, Host: host, Port: port}
	where = fmt.Sprintf("%s %s", where, s.Addr())
	sec, ok := ParseSocketType(*rs.SocketType)
	if !ok {
		c.problem(`use socketType "SSL" (implicit TLS), "STARTTLS" or "plain"`,
			"%s: socketType %q is not SSL, STARTTLS or plain: skipped", where, strings.TrimSpace(*rs.SocketType))
		return
	}
	s.Security = sec
	if rs.Username != nil {
		u, bad := expandPlaceholders(strings.TrimSpace(*rs.Username), addr)
		if bad != "" {
			c.problem(placeholderHint, "%s: username %s", where, bad)
		}
		s.Username = u
	}
	c.readAuth(&s, rs, where)
	if v := strings.TrimSpace(rs.UseGlobalPreferredServer); strings.EqualFold(v, "true") {
		c.problem("remove <useGlobalPreferredServer> unless every user should ignore this server",
			"%s: useGlobalPreferredServer is true, which tells Thunderbird to use the user's default outgoing server instead of this one", where)
	}
	if s.Security == SecurityNone && sendsSecret(s.Auth) {
		c.problem("offer implicit TLS (RFC 8314) or STARTTLS and publish it as SSL or STARTTLS",
			"%s: socketType plain with password authentication: the login and all mail travel unencrypted", where)
	}
	if proto == POP3 && rs.POP3 != nil {
		c.readPOP3(s, rs, where)
	}
	if incoming {
		c.Incoming = append(c.Incoming, s)
	} else {
		c.Outgoing = append(c.Outgoing, s)
	}
}

const placeholderHint = "write placeholders in full, such as %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%"

func (c *MozillaConfig) readAuth(s *Server, rs mozRawServer, where string) {
	if len(rs.Auth) == 0 {
		c.problem("list the accepted methods in <authentication> elements, preferred first",
			"%s: no <authentication> given", where)
		return
	}
	for i, a := range rs.Auth {
		if i == maxDocAuth {
			break
		}
		m, ok := mozAuthMethod(a.System, a.Value)
		if !ok {
			if !strings.EqualFold(strings.TrimSpace(a.System), "sasl") {
				c.problem("use the authentication values of the clientConfig format (password-cleartext, OAuth2, …)",
					"%s: authentication %q is not a known value: ignored", where, strings.TrimSpace(a.Value))
			}
			continue
		}
		if !containsAuth(s.Auth, m) {
			s.Auth = append(s.Auth, m)
		}
	}
}

func containsAuth(ms []AuthMethod, m AuthMethod) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// mozAuthMethod maps an <authentication> value, including the 1.2 draft's
// system="sasl" mechanism names (unknown ones are meant to be skipped in
// favour of the generic value listed after them).
func mozAuthMethod(system, v string) (AuthMethod, bool) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(strings.TrimSpace(system), "sasl") {
		u := strings.ToUpper(v)
		switch {
		case u == "PLAIN" || u == "LOGIN":
			return AuthPasswordCleartext, true
		case u == "CRAM-MD5" || u == "DIGEST-MD5" || strings.HasPrefix(u, "SCRAM-"):
			return AuthPasswordEncrypted, true
		case u == "XOAUTH2" || u == "OAUTHBEARER":
			return AuthOAuth2, true
		case u == "GSSAPI":
			return AuthGSSAPI, true
		case u == "NTLM":
			return AuthNTLM, true
		case u == "EXTERNAL":
			return AuthTLSClientCert, true
		}
		return "", false
	}
	switch strings.ToLower(v) {
	case "password-cleartext", "plain":
		return AuthPasswordCleartext, true
	case "password-encrypted", "secure":
		return AuthPasswordEncrypted, true
	case "oauth2":
		return AuthOAuth2, true
	case "ntlm":
		return AuthNTLM, true
	case "gssapi":
		return AuthGSSAPI, true
	case "client-ip-address":
		return AuthClientIP, true
	case "tls-client-cert":
		return AuthTLSClientCert, true
	case "none", "smtp-after-pop":
		return AuthNone, true
	}
	return "", false
}

// sendsSecret reports whether a method puts a reusable secret on the wire
// when the connection is not encrypted.
func sendsSecret(ms []AuthMethod) bool {
	for _, m := range ms {
		switch m {
		case AuthPasswordCleartext, AuthPasswordEncrypted, AuthOAuth2, AuthNTLM:
			return true
		}
	}
	return false
}

func (c *MozillaConfig) readPOP3(s Server, rs mozRawServer, where string) {
	var o POP3Options
	boolean := func(name, v string) bool {
		v = strings.TrimSpace(v)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			c.problem("write true or false", "%s: pop3 %s %q is not true or false", where, name, v)
		}
		return b
	}
	number := func(name, v string) int {
		v = strings.TrimSpace(v)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100000 {
			c.problem("write a whole number", "%s: pop3 %s %q is not a sensible whole number", where, name, v)
			return 0
		}
		return n
	}
	o.LeaveMessagesOnServer = boolean("leaveMessagesOnServer", rs.POP3.Leave)
	o.DownloadOnBiff = boolean("downloadOnBiff", rs.POP3.DownloadOnBif)
	o.DaysToLeaveMessagesOnServer = number("daysToLeaveMessagesOnServer", rs.POP3.Days)
	o.CheckIntervalMinutes = number("checkInterval minutes", rs.POP3.CheckInterval.Minutes)
	if c.POP3 == nil {
		c.POP3 = map[string]POP3Options{}
	}
	c.POP3[s.Key()] = o
}
