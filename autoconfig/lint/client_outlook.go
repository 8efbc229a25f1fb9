package lint

import (
	"github.com/postino-mail/postino/autoconfig"
)

// outlook follows Outlook's POX Autodiscover for accounts outside a
// Windows domain (Microsoft's "Outlook 2016 implementation of
// Autodiscover", KB 3211279, and [MS-OXDISCO]; docs/lint.md "Outlook"):
// POST https://D/autodiscover/autodiscover.xml, POST
// https://autodiscover.D/…, the plain-http GET of autodiscover.D that may
// redirect to an https URL (then POSTed), then _autodiscover._tcp.D; the
// first settings answer wins. Outlook reads the IMAP or POP3 Protocol
// block listed first and the SMTP one. Microsoft does not document its
// cloud lookup and last-known-good cache for such accounts; they are left
// out.
func outlook(v *view) ClientRow {
	r := ClientRow{Client: "outlook", Name: "Outlook (autodiscover)", Rule: "POX Autodiscover order of KB 3211279 / [MS-OXDISCO]; docs/lint.md#outlook"}
	var lks []*autoconfig.Lookup
	for _, q := range []string{
		"https://" + v.domain + "/autodiscover/autodiscover.xml",
		"https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml",
		"http://autodiscover." + v.domain + "/autodiscover/autodiscover.xml",
		"SRV _autodiscover._tcp." + v.domain,
	} {
		lks = append(lks, v.lookup(q))
		r.Steps = append(r.Steps, step(autoconfig.SourceAutodiscover, q, v.lookup(q)))
	}
	for _, lk := range lks {
		if found(lk) {
			use(&r, lk)
			v.finish(&r, firstOf(lk.Servers, autoconfig.Incoming, nil), firstOf(lk.Servers, autoconfig.Outgoing, nil))
			break
		}
	}
	if r.Source == "" {
		v.finish(&r, nil, nil)
	}
	if r.Status != StatusOK {
		r.Publish = []string{"answer POST requests at https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml" +
			" with a valid certificate and the POX response (postino config " + v.addr.String() + " --format autodiscover writes it)"}
	}
	return r
}
