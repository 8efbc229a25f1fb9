package autoconfig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// The POX Autodiscover schemas (learn.microsoft.com, "POX Autodiscover
// XML elements"; [MS-OXDSCLI]).
const (
	autodiscoverRequestSchema  = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	autodiscoverResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

// AutodiscoverRequest is the body of a POX Autodiscover request for email,
// asking for the Outlook response schema (2006a), which carries IMAP, POP3
// and SMTP settings.
func AutodiscoverRequest(email string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Autodiscover xmlns="` + autodiscoverRequestSchema + `"><Request><EMailAddress>`)
	_ = xml.EscapeText(&b, []byte(email)) // writes to a bytes.Buffer cannot fail
	b.WriteString(`</EMailAddress><AcceptableResponseSchema>` + autodiscoverResponseSchema +
		`</AcceptableResponseSchema></Request></Autodiscover>`)
	return b.Bytes()
}

// AutodiscoverResponse is a parsed POX Autodiscover answer.
type AutodiscoverResponse struct {
	// Action is "settings", "redirectAddr" or "redirectUrl".
	Action       string
	RedirectAddr string
	RedirectURL  string
	// Servers are the IMAP, POP3 and SMTP protocols of a settings answer,
	// in document order. Exchange protocols (EXCH, EXPR, EXHTTP, WEB) are
	// left out and mentioned in Notes.
	Servers     []Server
	DisplayName string
	// ErrorCode and ErrorMessage are set for an <Error> answer.
	ErrorCode, ErrorMessage string
	// Problems are data problems, each a plain sentence.
	Problems []string
	// Notes are remarks that are not problems.
	Notes []string

	hints []string // how the publisher fixes each of Problems
}

type poxRawDoc struct {
	XMLName  xml.Name         `xml:"Autodiscover"`
	Response []poxRawResponse `xml:"Response"`
}

type poxRawResponse struct {
	User struct {
		DisplayName string `xml:"DisplayName"`
	} `xml:"User"`
	Account *poxRawAccount `xml:"Account"`
	Error   *poxRawError   `xml:"Error"`
}

type poxRawError struct {
	Code    string `xml:"ErrorCode"`
	Message string `xml:"Message"`
}

type poxRawAccount struct {
	Action       string           `xml:"Action"`
	RedirectAddr string           `xml:"RedirectAddr"`
	RedirectURL  string           `xml:"RedirectUrl"`
	RedirectURL2 string           `xml:"RedirectURL"` // seen in hand-written answers
	Protocol     []poxRawProtocol `xml:"Protocol"`
	Error        *poxRawError     `xml:"Error"`
}

type poxRawProtocol struct {
	TypeAttr       string `xml:"Type,attr"` // Exchange 2013+ writes <Protocol Type="mapiHttp">
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           string `xml:"Port"`
	LoginName      string `xml:"LoginName"`
	DomainRequired string `xml:"DomainRequired"`
	DomainName     string `xml:"DomainName"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	Encryption     string `xml:"Encryption"`
	AuthRequired   string `xml:"AuthRequired"`
}

// ParseAutodiscover reads a POX Autodiscover answer for addr. Elements are
// matched by local name, so answers with and without namespaces both work.
// An <Error> answer returns the response (ErrorCode and ErrorMessage set)
// together with an error wrapping ErrNoConfig. A document that is not an
// Autodiscover answer gives an error wrapping ErrSyntax. A settings answer
// without IMAP, POP3 or SMTP is not an error: its Servers are empty.
func ParseAutodiscover(data []byte, addr Address) (*AutodiscoverResponse, error) {
	var raw poxRawDoc
	if err := decodeXMLDocument(data, &raw); err != nil {
		return nil, err
	}
	if len(raw.Response) == 0 {
		return nil, fmt.Errorf("%w: no <Response> element", ErrSyntax)
	}
	r := raw.Response[0]
	a := &AutodiscoverResponse{DisplayName: strings.TrimSpace(r.User.DisplayName)}
	e := r.Error
	if e == nil && r.Account != nil {
		e = r.Account.Error
	}
	if e != nil {
		a.ErrorCode, a.ErrorMessage = strings.TrimSpace(e.Code), strings.TrimSpace(e.Message)
		return a, fmt.Errorf("%w: autodiscover error %s: %s", ErrNoConfig, a.ErrorCode, a.ErrorMessage)
	}
	acc := r.Account
	if acc == nil {
		return nil, fmt.Errorf("%w: no <Account> or <Error> in the response", ErrSyntax)
	}
	if len(acc.Protocol) > maxDocServers {
		return nil, fmt.Errorf("%w: %d protocols, more than %d", ErrSyntax, len(acc.Protocol), maxDocServers)
	}
	a.RedirectAddr = strings.TrimSpace(acc.RedirectAddr)
	a.RedirectURL = strings.TrimSpace(acc.RedirectURL)
	if a.RedirectURL == "" {
		a.RedirectURL = strings.TrimSpace(acc.RedirectURL2)
	}
	switch action := strings.ToLower(strings.TrimSpace(acc.Action)); {
	case action == "redirectaddr" && a.RedirectAddr != "":
		a.Action = "redirectAddr"
		return a, nil
	case action == "redirecturl" && a.RedirectURL != "":
		a.Action = "redirectUrl"
		return a, nil
	case action == "settings" || action == "" && len(acc.Protocol) > 0:
		a.Action = "settings"
	default:
		return nil, fmt.Errorf("%w: Action %q without what it needs", ErrSyntax, acc.Action)
	}
	for i, p := range acc.Protocol {
		a.addProtocol(p, i+1, addr)
	}
	return a, nil
}

func (a *AutodiscoverResponse) problem(hint, format string, args ...any) {
	a.Problems = append(a.Problems, fmt.Sprintf(format, args...))
	a.hints = append(a.hints, hint)
}

func (a *AutodiscoverResponse) addProtocol(p poxRawProtocol, n int, addr Address) {
	typ := strings.TrimSpace(p.Type)
	if typ == "" {
		typ = strings.TrimSpace(p.TypeAttr)
	}
	var proto Protocol
	switch strings.ToUpper(typ) {
	case "IMAP":
		proto = IMAP
	case "POP3":
		proto = POP3
	case "SMTP":
		proto = SMTP
	default:
		a.Notes = append(a.Notes, fmt.Sprintf("Protocol %d has type %q (Exchange, web or other): not used", n, typ))
		return
	}
	where := fmt.Sprintf("Protocol %d (%s)", n, typ)
	host, err := checkServerHost(p.Server)
	if err != nil {
		a.problem("give the server's DNS name in <Server>", "%s: Server %q %v: skipped", where, strings.TrimSpace(p.Server), err)
		return
	}
	sslOff := strings.EqualFold(strings.TrimSpace(p.SSL), "off")
	port := 0
	if v := strings.TrimSpace(p.Port); v == "" {
		sec := SecurityTLS
		if sslOff {
			sec = SecurityNone
		}
		port = DefaultPort(proto, sec)
		a.problem("always publish <Port>", "%s %s: no Port given; assuming %d", where, host, port)
	} else if port, err = strconv.Atoi(v); err != nil || port < 1 || port > 65535 {
		a.problem("give the port as a number from 1 to 65535", "%s %s: Port %q is not a number from 1 to 65535: skipped", where, host, v)
		return
	}
	s := Server{Protocol: proto, Host: host, Port: port}
	where = fmt.Sprintf("%s %s", where, s.Addr())
	s.Security = a.security(p, port, sslOff, where)
	s.Auth = a.auth(p, proto, where)
	s.Username = a.username(p, addr, where)
	a.Servers = append(a.Servers, s)
}

// starttlsPort reports whether port is one where STARTTLS is the custom:
// Thunderbird's heuristic for the security an Autodiscover answer means.
func starttlsPort(port int) bool {
	return port == 143 || port == 110 || port == 25 || port == 587
}

// security decides a protocol's security. <Encryption> overrides <SSL>,
// but its values are read differently by different publishers: automx2
// writes TLS for STARTTLS (Microsoft's meaning), mox writes TLS for implicit
// TLS. So, like Thunderbird, postino believes only None and SSL and takes
// the rest from the port, and says so where the two could disagree.
func (a *AutodiscoverResponse) security(p poxRawProtocol, port int, sslOff bool, where string) Security {
	heuristic := SecurityTLS
	if starttlsPort(port) {
		heuristic = SecurityStartTLS
	}
	enc := strings.TrimSpace(p.Encryption)
	switch strings.ToLower(enc) {
	case "none":
		return SecurityNone
	case "":
		if sslOff {
			return SecurityNone
		}
		return heuristic
	case "ssl":
		if sslOff {
			a.problem("drop <SSL>off</SSL> when <Encryption> says SSL",
				"%s: SSL is off but Encryption is SSL; postino follows Encryption", where)
		}
		if heuristic == SecurityStartTLS {
			a.problem("use Encryption TLS for STARTTLS, or move implicit TLS to its own port (RFC 8314)",
				"%s: Encryption SSL (implicit TLS) on port %d, where STARTTLS is usual", where, port)
		}
		return SecurityTLS
	case "tls":
		if heuristic == SecurityTLS {
			a.problem("write Encryption SSL for implicit TLS; TLS means STARTTLS to Outlook and automx2",
				"%s: Encryption TLS is ambiguous (STARTTLS to Microsoft and automx2, implicit TLS to mox); port %d suggests implicit TLS, which postino assumes", where, port)
		}
		return heuristic
	case "auto":
		if !starttlsPort(port) && port != 993 && port != 995 && port != 465 {
			a.problem("state the security with Encryption SSL or TLS",
				"%s: Encryption Auto on the non-standard port %d leaves the security to guesswork; postino assumes implicit TLS", where, port)
		}
		return heuristic
	default:
		a.problem("use Encryption None, SSL, TLS or Auto",
			"%s: Encryption %q is not None, SSL, TLS or Auto; postino guesses %s from the port", where, enc, heuristic)
		return heuristic
	}
}

func (a *AutodiscoverResponse) auth(p poxRawProtocol, proto Protocol, where string) []AuthMethod {
	if proto == SMTP && strings.EqualFold(strings.TrimSpace(p.AuthRequired), "off") {
		return []AuthMethod{AuthNone}
	}
	switch spa := strings.ToLower(strings.TrimSpace(p.SPA)); spa {
	case "off":
		return []AuthMethod{AuthPasswordCleartext}
	case "on":
		return []AuthMethod{AuthPasswordEncrypted}
	case "":
		a.problem("publish <SPA>off</SPA> for servers that take a plain password (over TLS)",
			"%s: SPA is absent, which means on (secure password authentication) to Outlook; most IMAP, POP3 and SMTP servers expect a plain password instead", where)
		return []AuthMethod{AuthPasswordEncrypted}
	default:
		a.problem("write SPA on or off", "%s: SPA %q is neither on nor off; read as on", where, spa)
		return []AuthMethod{AuthPasswordEncrypted}
	}
}

func (a *AutodiscoverResponse) username(p poxRawProtocol, addr Address, where string) string {
	u := strings.TrimSpace(p.LoginName)
	if u == "" {
		u = "%EMAILADDRESS%"
		if addr.HasLocal() {
			u = addr.String()
		}
	}
	if strings.EqualFold(strings.TrimSpace(p.DomainRequired), "on") {
		dom := strings.TrimSpace(p.DomainName)
		switch {
		case dom == "":
			a.problem("give <DomainName> when DomainRequired is on",
				"%s: DomainRequired is on but no DomainName is given", where)
		case !strings.ContainsAny(u, `\@`):
			u = dom + `\` + u
			a.Notes = append(a.Notes, fmt.Sprintf("%s: DomainRequired is on: the login name is %s", where, u))
		}
	}
	return u
}
