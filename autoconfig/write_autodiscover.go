package autoconfig

import (
	"encoding/xml"
	"io"
	"strings"
)

const autodiscoverEnvelopeSchema = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"

// The POX Autodiscover response WriteAutodiscover produces.
type poxOut struct {
	XMLName  xml.Name       `xml:"Autodiscover"`
	XMLNS    string         `xml:"xmlns,attr"`
	Response poxOutResponse `xml:"Response"`
}

type poxOutResponse struct {
	XMLNS   string        `xml:"xmlns,attr"`
	Account poxOutAccount `xml:"Account"`
}

type poxOutAccount struct {
	AccountType string           `xml:"AccountType"`
	Action      string           `xml:"Action"`
	Protocols   []poxOutProtocol `xml:"Protocol"`
}

// poxOutProtocol writes every switch explicitly: absent, SPA and SSL
// mean "on" to Outlook, which is wrong for most IMAP, POP3 and SMTP
// servers.
type poxOutProtocol struct {
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           int    `xml:"Port"`
	LoginName      string `xml:"LoginName,omitempty"`
	DomainRequired string `xml:"DomainRequired"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	Encryption     string `xml:"Encryption"`
	AuthRequired   string `xml:"AuthRequired"`
}

// WriteAutodiscover writes st as an Outlook POX Autodiscover response
// (outlook responseschema 2006a): one Protocol block per server, IMAP and
// POP3 in order of preference, then SMTP. It needs an incoming and an
// outgoing server (ErrIncomplete).
//
// Security is written twice, as SSL and Encryption, so that both kinds of
// reader agree: implicit TLS is SSL on with Encryption SSL, STARTTLS is SSL
// on with Encryption TLS, none is SSL off with Encryption None. Publishers
// disagree on Encryption TLS: automx2 and Microsoft's documentation mean
// STARTTLS, mox means implicit TLS. postino follows Microsoft, whose
// client is the one that reads this format, and writes implicit TLS as
// SSL, which nobody reads as STARTTLS.
func WriteAutodiscover(w io.Writer, st Settings) ([]Loss, error) {
	if err := st.need("autodiscover", true, true); err != nil {
		return nil, err
	}
	var ls losses
	acc := poxOutAccount{AccountType: "email", Action: "settings"}
	count := map[Protocol]int{}
	for _, s := range append(append([]Server(nil), st.Incoming...), st.Outgoing...) {
		ls.assumed(s)
		count[s.Protocol]++
		p := poxOutProtocol{
			Type: strings.ToUpper(string(s.Protocol)), Server: s.Host, Port: s.Port,
			LoginName: st.concreteLogin(s), DomainRequired: "off",
		}
		if p.LoginName == "" && st.Address.HasLocal() {
			ls.add(&s, "the login name %q cannot be filled in; left out, so Outlook uses the address", s.Username)
		}
		p.SSL, p.Encryption = poxSecurity(s.Security)
		if s.Security == SecurityStartTLS && !starttlsPort(s.Port) {
			ls.add(&s, "STARTTLS on port %d: readers that judge Encryption TLS by the port (Thunderbird, postino) take it for implicit TLS", s.Port)
		}
		p.SPA, p.AuthRequired = poxAuth(s, &ls)
		if _, ok := st.POP3[s.Key()]; ok && s.Protocol == POP3 {
			ls.add(&s, "autodiscover cannot say whether to leave mail on the server; the client's default applies")
		}
		acc.Protocols = append(acc.Protocols, p)
	}
	for _, proto := range []Protocol{IMAP, POP3, SMTP} {
		if n := count[proto]; n > 1 {
			ls.add(nil, "Outlook uses only the first %s block; %d more follow, in order of preference, for clients that read them all",
				strings.ToUpper(string(proto)), n-1)
		}
	}
	doc := poxOut{XMLNS: autodiscoverEnvelopeSchema, Response: poxOutResponse{XMLNS: autodiscoverResponseSchema, Account: acc}}
	ls.droppedAdvice("an autodiscover response", st.Advice)
	return ls, writeXML(w, doc)
}

func poxSecurity(s Security) (ssl, encryption string) {
	switch s {
	case SecurityTLS:
		return "on", "SSL"
	case SecurityStartTLS:
		return "on", "TLS"
	}
	return "off", "None"
}

// poxAuth maps the authentication methods to SPA and AuthRequired. SPA is
// Microsoft's name for NTLM; a plain password (the usual case, over TLS)
// is SPA off. What POX cannot name is reported.
func poxAuth(s Server, ls *losses) (spa, authRequired string) {
	has := map[AuthMethod]bool{}
	for _, m := range s.Auth {
		has[m] = true
	}
	switch {
	case len(s.Auth) == 0 || has[AuthPasswordCleartext]:
		spa = "off"
	case has[AuthNTLM]:
		spa = "on"
	case has[AuthPasswordEncrypted]:
		spa = "on"
		ls.add(&s, "the server wants an encrypted password (CRAM-MD5, SCRAM); autodiscover can only say SPA, which Outlook takes for NTLM")
	case s.Protocol == SMTP && (has[AuthNone] || has[AuthClientIP]):
		if has[AuthClientIP] {
			ls.add(&s, "autodiscover cannot say that sending without login works only from the provider's own network")
		}
		return "off", "off"
	default:
		spa = "off"
	}
	for _, m := range []AuthMethod{AuthOAuth2, AuthGSSAPI, AuthTLSClientCert} {
		if has[m] && !has[AuthPasswordCleartext] && !has[AuthPasswordEncrypted] && !has[AuthNTLM] {
			ls.add(&s, "autodiscover cannot express %s; Outlook will ask for a password", m)
		}
	}
	return spa, "on"
}
