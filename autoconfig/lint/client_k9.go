package lint

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// k9 follows Thunderbird for Android / K-9 Mail's RealAutoDiscoveryService
// (thunderbird-android feature/autodiscovery; docs/lint.md "K-9"): all
// lookups start at once and the highest-priority one with usable settings
// wins, in this order: https://autoconfig.D, https://D/.well-known, the same
// two over http (httpsOnly is false by default), the ISPDB, then the MX
// host's sub-domain and registrable domain (https autoconfig, then ISPDB).
// No Autodiscover, no SRV (removed 2024-01), no guessing, no POP3. Its
// parser is strict: an IMAP or SMTP section that says plain, lacks an
// element, or names no usable authentication rejects the whole file. It
// uses the first IMAP and the first SMTP server. An answer that was not
// https all the way (or came through an MX answer without DNSSEC) is
// shown as untrusted: the user must tick a box to accept it.
func k9(v *view) ClientRow {
	r := ClientRow{Client: "k9", Name: "Thunderbird for Android / K-9", Rule: "RealAutoDiscoveryService, strict MozillaConfigParser (thunderbird-android feature/autodiscovery); docs/lint.md#k-9"}
	var lks []*autoconfig.Lookup
	for _, g := range []struct {
		src autoconfig.Source
		q   string
	}{
		{autoconfig.SourceAutoconfig, v.acHTTPS}, {autoconfig.SourceWellKnown, v.wkHTTPS},
		{autoconfig.SourceAutoconfigHTTP, v.acHTTP}, {autoconfig.SourceAutoconfigHTTP, v.wkHTTP},
	} {
		lks = append(lks, v.lookup(g.q))
		r.Steps = append(r.Steps, step(g.src, g.q, v.lookup(g.q)))
	}
	if db := v.source(autoconfig.SourceISPDB); db != nil {
		lks = append(lks, db)
		r.Steps = append(r.Steps, step(db.Source, db.Query, db))
	}
	for _, lk := range v.mxDocs() {
		lks = append(lks, lk)
		r.Steps = append(r.Steps, step(lk.Source, lk.Query, lk))
	}
	for i, lk := range lks {
		if !found(lk) {
			continue
		}
		if why := k9Rejects(lk); why != "" {
			r.Steps[i].Outcome, r.Steps[i].Detail = "rejected", why
			r.Problems = append(r.Problems, fmt.Sprintf("rejects %s as a whole: %s", lk.Query, why))
			continue
		}
		use(&r, lk)
		var warn []string
		if !lk.Trusted {
			warn = append(warn, "the answer is not trusted (not https all the way, or through an unsigned MX answer): the user must tick a box to accept it")
		}
		v.finish(&r, firstOf(lk.Servers, autoconfig.Incoming, isIMAP), firstOf(lk.Servers, autoconfig.Outgoing, nil), warn...)
		r.Publish = k9Publish(v, r)
		return r
	}
	v.finish(&r, nil, nil)
	r.Publish = k9Publish(v, r)
	return r
}

func isIMAP(s autoconfig.Server) bool { return s.Protocol == autoconfig.IMAP }

// k9Rejects says why K-9's strict parser refuses the document of lk, ""
// if it accepts it.
func k9Rejects(lk *autoconfig.Lookup) string {
	raw := parseRaw(lk.Document)
	if raw == nil {
		return "" // a document postino could parse; nothing more to say
	}
	imap, smtp := 0, 0
	for i, s := range raw.Servers {
		if s.Type != "imap" && s.Type != "smtp" {
			continue
		}
		where := fmt.Sprintf("%s %d (%s)", s.elem(), i+1, s.Type)
		switch {
		case s.Hostname == nil || s.Port == nil || s.Socket == nil || s.Username == nil:
			return where + " lacks <hostname>, <port>, <socketType> or <username>"
		case strings.EqualFold(*s.Socket, "plain"):
			return where + " has socketType plain"
		case !k9UsableAuth(s.Auth):
			return where + " names no authentication K-9 can use (password-cleartext, password-encrypted)"
		}
		if s.Type == "imap" {
			imap++
		} else {
			smtp++
		}
	}
	if imap == 0 || smtp == 0 {
		return "it needs an IMAP and an SMTP server"
	}
	return ""
}

// k9UsableAuth: K-9 also takes OAuth2, but only for the providers it has
// an OAuth client for, which a self-published domain is not.
func k9UsableAuth(auth []string) bool {
	for _, a := range auth {
		switch strings.ToLower(a) {
		case "password-cleartext", "password-encrypted", "plain", "secure":
			return true
		}
	}
	return false
}

func k9Publish(v *view, r ClientRow) []string {
	if r.Status == StatusOK {
		return nil
	}
	return []string{"serve the settings at " + stripQuery(v.acHTTPS) + " over https (K-9 asks the user to approve anything else)," +
		" with an IMAP and an SMTP section, each with hostname, port, socketType SSL or STARTTLS, username and password authentication" +
		" (K-9 rejects the whole file otherwise)"}
}
