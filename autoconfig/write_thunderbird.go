package autoconfig

import (
	"encoding/xml"
	"io"
	"slices"
	"unicode/utf8"
)

// The clientConfig 1.1 document WriteThunderbird produces. Element order
// follows the ISPDB files; the format itself allows any order.
type tbConfig struct {
	XMLName  xml.Name   `xml:"clientConfig"`
	Version  string     `xml:"version,attr"`
	Provider tbProvider `xml:"emailProvider"`
	OAuth2   *tbOAuth2  `xml:"oAuth2,omitempty"`
}

type tbProvider struct {
	ID          string     `xml:"id,attr"`
	Domains     []string   `xml:"domain"`
	DisplayName string     `xml:"displayName"`
	Incoming    []tbServer `xml:"incomingServer"`
	Outgoing    []tbServer `xml:"outgoingServer"`
	// Enable and Documentation carry the advice, as the ISPDB's files do.
	Enable        []tbEnable `xml:"enable"`
	Documentation []tbDoc    `xml:"documentation"`
}

// tbEnable is the ISPDB's <enable visiturl="…"><instruction>: what to
// switch on in the provider's web interface before the first login.
type tbEnable struct {
	VisitURL    string `xml:"visiturl,attr,omitempty"`
	Instruction string `xml:"instruction"`
}

// tbDoc is a <documentation url="…"><descr>: a page about the account.
type tbDoc struct {
	URL   string `xml:"url,attr"`
	Descr string `xml:"descr,omitempty"`
}

// tbServer has no useGlobalPreferredServer on purpose: "true" makes
// Thunderbird send through another account's SMTP server instead of this
// one (mail-in-a-box#1736), and "false" is the default.
type tbServer struct {
	Type       string   `xml:"type,attr"`
	Hostname   string   `xml:"hostname"`
	Port       int      `xml:"port"`
	SocketType string   `xml:"socketType"`
	Username   string   `xml:"username"`
	Auth       []string `xml:"authentication"`
	POP3       *tbPOP3  `xml:"pop3,omitempty"`
}

type tbPOP3 struct {
	LeaveMessagesOnServer       bool        `xml:"leaveMessagesOnServer"`
	DaysToLeaveMessagesOnServer int         `xml:"daysToLeaveMessagesOnServer,omitempty"`
	DownloadOnBiff              bool        `xml:"downloadOnBiff"`
	CheckInterval               *tbInterval `xml:"checkInterval,omitempty"`
}

type tbInterval struct {
	Minutes int `xml:"minutes,attr"`
}

type tbOAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope"`
	AuthURL  string `xml:"authURL"`
	TokenURL string `xml:"tokenURL"`
}

// maxDisplayName is the clientConfig draft's hard limit for displayName.
const maxDisplayName = 60

// WriteThunderbird writes st as a Mozilla autoconfig file
// (config-v1.1.xml, clientConfig 1.1): every incoming server (IMAP and
// POP3) and every outgoing server in order of preference, login names as
// placeholders where they follow the address. It needs an incoming and an
// outgoing server (ErrIncomplete).
func WriteThunderbird(w io.Writer, st Settings) ([]Loss, error) {
	if err := st.need("thunderbird", true, true); err != nil {
		return nil, err
	}
	var ls losses
	name := st.displayName()
	if utf8.RuneCountInString(name) > maxDisplayName {
		name = string([]rune(name)[:maxDisplayName])
		ls.add(nil, "the display name is cut to the %d characters clientConfig allows", maxDisplayName)
	}
	doc := tbConfig{Version: "1.1", Provider: tbProvider{
		ID: st.Address.Domain, Domains: []string{st.Address.Domain}, DisplayName: name,
	}}
	oauth := false
	for _, s := range append(append([]Server(nil), st.Incoming...), st.Outgoing...) {
		ls.assumed(s)
		ts := tbServer{
			Type: string(s.Protocol), Hostname: s.Host, Port: s.Port,
			SocketType: tbSocketType(s.Security), Username: st.templateLogin(s),
		}
		for _, m := range s.Auth {
			ts.Auth = append(ts.Auth, tbAuthValue(m))
			oauth = oauth || m == AuthOAuth2
		}
		if len(ts.Auth) == 0 {
			ts.Auth = []string{tbAuthValue(AuthPasswordCleartext)}
		}
		if o, ok := st.POP3[s.Key()]; ok && s.Protocol == POP3 {
			ts.POP3 = &tbPOP3{
				LeaveMessagesOnServer: o.LeaveMessagesOnServer, DaysToLeaveMessagesOnServer: o.DaysToLeaveMessagesOnServer,
				DownloadOnBiff: o.DownloadOnBiff,
			}
			if o.CheckIntervalMinutes > 0 {
				ts.POP3.CheckInterval = &tbInterval{o.CheckIntervalMinutes}
			}
		}
		if s.Protocol == SMTP {
			doc.Provider.Outgoing = append(doc.Provider.Outgoing, ts)
		} else {
			doc.Provider.Incoming = append(doc.Provider.Incoming, ts)
		}
	}
	doc.Provider.Enable, doc.Provider.Documentation = tbAdvice(st.Advice, &ls)
	if o := st.OAuth2; o != nil {
		doc.OAuth2 = &tbOAuth2{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	} else if oauth {
		ls.add(nil, "servers accept OAuth2, but no source gave the OAuth2 endpoints (issuer, scope, URLs); Thunderbird then uses OAuth2 only for providers it knows")
	}
	return ls, writeXML(w, doc)
}

func tbSocketType(s Security) string {
	switch s {
	case SecurityTLS:
		return "SSL"
	case SecurityStartTLS:
		return "STARTTLS"
	}
	return "plain"
}

// tbAuthValue spells an AuthMethod the way clientConfig files do.
func tbAuthValue(m AuthMethod) string {
	switch m {
	case AuthOAuth2:
		return "OAuth2"
	case AuthNTLM:
		return "NTLM"
	case AuthGSSAPI:
		return "GSSAPI"
	case AuthClientIP:
		return "client-IP-address"
	case AuthTLSClientCert:
		return "TLS-client-cert"
	}
	return string(m)
}

// tbAdvice places each piece of advice where a clientConfig file holds it:
// switching access on in <enable>, anything with a page in
// <documentation>; the rest has no place and is reported in ls.
func tbAdvice(as []Advice, ls *losses) (enable []tbEnable, docs []tbDoc) {
	for _, a := range as {
		switch {
		case a.Kind == AdviceEnable || slices.Contains(a.Needs, "enable-access"):
			enable = append(enable, tbEnable{VisitURL: a.URL, Instruction: a.Text})
		case a.URL != "":
			docs = append(docs, tbDoc{URL: a.URL, Descr: a.Text})
		default:
			ls.add(nil, "a clientConfig file has no place for advice without a web page: %q", a.Text)
		}
	}
	return enable, docs
}
