package lint

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
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
		f.add(newFinding(findAutodiscoverMalformed, "", autoconfig.Values{"url": stripMethod(lk.Query), "error": err.Error()}))
		return
	}
	q := stripMethod(lk.Query)
	if raw.XMLName.Space != poxOuterNS {
		f.add(newFinding(findAutodiscoverOuterNS, "", autoconfig.Values{"url": q, "ns": strconv.Quote(raw.XMLName.Space)}))
	}
	for _, r := range raw.Response {
		if r.XMLName.Space != poxInnerNS {
			f.add(newFinding(findAutodiscoverInnerNS, "", autoconfig.Values{"url": q, "ns": strconv.Quote(r.XMLName.Space)}))
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
					f.add(newFinding(findAutodiscoverNoType, "", autoconfig.Values{"url": q, "n": strconv.Itoa(i + 1)}))
				}
			default:
				f.add(newFinding(findAutodiscoverUnknownType, "", autoconfig.Values{"url": q, "n": strconv.Itoa(i + 1), "type": strconv.Quote(p.Type)}))
			}
		}
		if mail == 0 {
			f.add(newFinding(findAutodiscoverNoMail, "", autoconfig.Values{"url": q}))
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
			f.add(newFinding(findAutodiscoverGetOnly, hostOf(u)+":443", autoconfig.Values{"url": u, "status": strconv.Itoa(st)}))
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			f.add(newFinding(findAutodiscoverAuthRequired, hostOf(u)+":443", autoconfig.Values{"url": u, "status": strconv.Itoa(st)}))
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
		f.add(newFinding(findAutodiscoverSRVTarget, "", autoconfig.Values{"record": n, "error": srv.Error}))
	}
}
