package lint

import (
	"fmt"

	"github.com/postino-mail/postino/autoconfig"
)

// deltaChat follows chatmail/core's configure.rs get_autoconfig and
// server_params.rs (docs/lint.md "Delta Chat"): strictly one after the
// other and https only, the first answer wins: https://autoconfig.D (with
// ?emailaddress=), https://D/.well-known (no query), a GET (not a POST) of
// https://D/autodiscover/autodiscover.xml and of the autodiscover.D one,
// then the ISPDB. No SRV, no MX, no plain http. Only IMAP and SMTP
// entries are kept; a side with none is filled from the usual names
// (imap. or smtp., then mail., then the bare domain; implicit TLS, then
// STARTTLS). Each side's entries are tried in order with a real login and
// the first that works is kept; postino, without a password, takes the
// first whose probe works.
func deltaChat(v *view) ClientRow {
	r := ClientRow{Client: "deltachat", Name: "Delta Chat", Rule: "configure.rs get_autoconfig, server_params.rs (chatmail/core); docs/lint.md#delta-chat"}
	qs := []struct {
		src autoconfig.Source
		q   string
	}{
		{autoconfig.SourceAutoconfig, v.acHTTPS}, {autoconfig.SourceWellKnown, v.wkHTTPS},
		{autoconfig.SourceAutodiscover, "GET https://" + v.domain + "/autodiscover/autodiscover.xml"},
		{autoconfig.SourceAutodiscover, "GET https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml"},
	}
	var lks []*autoconfig.Lookup
	for _, g := range qs {
		lks = append(lks, v.lookup(g.q))
		r.Steps = append(r.Steps, step(g.src, g.q, v.lookup(g.q)))
	}
	if db := v.source(autoconfig.SourceISPDB); db != nil {
		lks = append(lks, db)
		r.Steps = append(r.Steps, step(db.Source, db.Query, db))
	}
	var servers []autoconfig.Server
	for _, lk := range lks {
		if found(lk) {
			use(&r, lk)
			servers = lk.Servers
			break
		}
	}
	d := v.domain
	in, inWhy := v.deltaChatPick(servers, autoconfig.IMAP, []string{"imap." + d, "mail." + d, d})
	out, outWhy := v.deltaChatPick(servers, autoconfig.SMTP, []string{"smtp." + d, "mail." + d, d})
	var warn []string
	if r.Source == "" {
		warn = append(warn, "finds nothing published over https: it tries the usual host names")
	}
	v.finish(&r, in, out, warn...)
	r.Problems = append(r.Problems, inWhy...)
	r.Problems = append(r.Problems, outWhy...)
	if r.Status != StatusOK {
		r.Publish = []string{"serve the settings at " + stripQuery(v.acHTTPS) + " over https with a valid certificate" +
			" (Delta Chat never reads plain http, SRV or a POST-only autodiscover), listing the IMAP and SMTP servers that work first"}
	}
	return r
}

// deltaChatPick is the first of the published servers of protocol p that
// works, or, with none published, the first of the usual names that does.
// Without a working one it returns the first it would try, with why.
func (v *view) deltaChatPick(servers []autoconfig.Server, p autoconfig.Protocol, hosts []string) (*autoconfig.Server, []string) {
	var tries []autoconfig.Server
	for _, s := range servers {
		if s.Protocol == p {
			tries = append(tries, s)
		}
	}
	if len(tries) == 0 {
		for _, h := range hosts {
			for _, sec := range []autoconfig.Security{autoconfig.SecurityTLS, autoconfig.SecurityStartTLS} {
				tries = append(tries, autoconfig.Server{Protocol: p, Host: h, Port: autoconfig.DefaultPort(p, sec), Security: sec})
			}
		}
	}
	var why []string
	for i := range tries {
		if c := v.cands[tries[i].Key()]; c != nil {
			if ok, _ := works(c); ok {
				return &c.Server, why
			}
		}
	}
	if len(tries) > 1 {
		why = append(why, fmt.Sprintf("none of the %d %s servers it would try works", len(tries), p))
	}
	return &tries[0], why
}
