package lint

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
	"golang.org/x/net/html/charset"
)

// The POX namespaces ([MS-OXDSCLI]; learn.microsoft.com "POX Autodiscover
// XML elements"): Outlook matches elements by namespace.
const (
	poxOuterNS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	poxInnerNS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

// checkAutodiscoverDoc checks a POX answer's namespaces and Protocol
// blocks; the parser's data findings (SPA, SSL and Encryption, ports)
// arrive through reEmit.
func checkAutodiscoverDoc(f *findings, lk *autoconfig.Lookup) {
	var raw struct {
		XMLName  xml.Name
		Response []struct {
			XMLName xml.Name
			Account *struct {
				Action   string `xml:"Action"`
				Protocol []struct {
					Type   string `xml:"Type"`
					Server string `xml:"Server"`
				} `xml:"Protocol"`
			} `xml:"Account"`
		} `xml:"Response"`
	}
	d := xml.NewDecoder(bytes.NewReader(lk.Document))
	d.CharsetReader = charset.NewReaderLabel
	if err := d.Decode(&raw); err != nil {
		f.add("lint.autodiscover-namespace", sevError, "", fmt.Sprintf("%s: not well-formed XML: %v", stripMethod(lk.Query), err),
			"answer with the POX response document (postino config --format autodiscover writes one)")
		return
	}
	q := stripMethod(lk.Query)
	if raw.XMLName.Space != poxOuterNS {
		f.add("lint.autodiscover-namespace", sevWarning, "", fmt.Sprintf("%s: <Autodiscover> is in namespace %q", q, raw.XMLName.Space),
			"put <Autodiscover> in xmlns=\""+poxOuterNS+"\": Outlook ignores elements in any other")
	}
	for _, r := range raw.Response {
		if r.XMLName.Space != poxInnerNS {
			f.add("lint.autodiscover-namespace", sevWarning, "", fmt.Sprintf("%s: <Response> is in namespace %q", q, r.XMLName.Space),
				"put <Response> in xmlns=\""+poxInnerNS+"\", the schema Outlook asked for")
		}
		if r.Account == nil || !strings.EqualFold(strings.TrimSpace(r.Account.Action), "settings") {
			continue
		}
		mail := 0
		for i, p := range r.Account.Protocol {
			switch strings.ToUpper(strings.TrimSpace(p.Type)) {
			case "IMAP", "POP3", "SMTP":
				mail++
			case "EXCH", "EXPR", "EXHTTP", "WEB", "CALDAV", "CARDDAV", "":
				if strings.TrimSpace(p.Type) == "" {
					f.add("lint.autodiscover-protocol", sevWarning, "", fmt.Sprintf("%s: Protocol block %d has no <Type>", q, i+1),
						"give every <Protocol> a <Type>: IMAP, POP3 or SMTP")
				}
			default:
				f.add("lint.autodiscover-protocol", sevWarning, "", fmt.Sprintf("%s: Protocol block %d has the unknown Type %q", q, i+1, p.Type),
					"use the Types IMAP, POP3 and SMTP for mail")
			}
		}
		if mail == 0 {
			f.add("lint.autodiscover-protocol", sevWarning, "", fmt.Sprintf("%s: the settings answer has no IMAP, POP3 or SMTP Protocol block", q),
				"add one <Protocol> block per mail service (Type IMAP or POP3, and SMTP)")
		}
	}
}

// checkAutodiscover compares the POST and GET answers of the two https
// URLs and reads the SRV method's outcome.
func (v *view) checkAutodiscover(f *findings) {
	for _, u := range []string{"https://" + v.domain + "/autodiscover/autodiscover.xml", "https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml"} {
		post, get := v.lookup(u), v.lookup("GET "+u)
		if post == nil || post.HTTP == nil {
			continue
		}
		st := post.HTTP.Status
		switch {
		case !found(post) && found(get) && st >= 400:
			f.add("lint.autodiscover-get-only", sevError, hostOf(u)+":443",
				fmt.Sprintf("%s answers GET with settings but POST with HTTP %d", u, st),
				"answer POST requests (Outlook and Thunderbird POST the request document) with the same POX response; Delta Chat alone uses GET")
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			f.add("lint.autodiscover-auth-required", sevWarning, hostOf(u)+":443",
				fmt.Sprintf("%s answers HTTP %d: it wants credentials before it says anything", u, st),
				"answer without authentication for IMAP/POP3/SMTP settings: Thunderbird stops with an \"Exchange auth error\" on a 401, and the settings are not secret")
		}
	}
	srv := v.lookup("SRV _autodiscover._tcp." + v.domain)
	if srv == nil || srv.Outcome != autoconfig.OutcomeError {
		return
	}
	for _, n := range srv.Notes {
		if !strings.HasPrefix(n, "SRV _autodiscover") {
			continue
		}
		f.add("lint.autodiscover-srv-target", sevError, "", fmt.Sprintf("%s, which does not answer: %s", n, srv.Error),
			"point the SRV record at a host that answers POST at /autodiscover/autodiscover.xml over https, or remove it")
	}
}
