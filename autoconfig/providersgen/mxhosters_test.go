package main

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// TestMXHosters: the MX host names each hoster's justification cites lead
// to that hoster's entry; outbound-only services and a domain's own MX
// lead nowhere.
func TestMXHosters(t *testing.T) {
	db := generatedDB(t)
	cases := []struct{ mx, want string }{
		{"aspmx.l.google.com", "googlemail.com"},
		{"alt4.aspmx.l.google.com.", "googlemail.com"},
		{"aspmx2.googlemail.com", "googlemail.com"},
		{"smtp.google.com", "googlemail.com"},
		{"contoso-com.mail.protection.outlook.com", "office365.com"},
		{"hotmail-com.olc.protection.outlook.com", "hotmail.com"},
		{"mx.zoho.com", "zoho-organisation"},
		{"mx2.zoho.eu", "zoho.eu"},
		{"mx.zoho.in", "zoho.in"},
		{"mx.zoho.com.au", "zoho.com.au"},
		{"in1-smtp.messagingengine.com", "messagingengine.com"},
		{"mx1.mail.ovh.net", "ovh.net"},
		{"mx00.ionos.de", "1und1.de"},
		{"mx00.ionos.co.uk", "1und1.de"},
		{"mx00.1and1.com", "1und1.de"},
		{"mx01.kundenserver.de", "1und1.de"},
		{"spool.mail.gandi.net", "gandi.net"},
		{"mta5.am0.yahoodns.net", "yahoo.com"},
		{"mx01.mail.icloud.com", "me.com"},
		{"mail.protonmail.ch", "protonmail"},
		{"mxext1.mailbox.org", "mailbox.org"},
		{"aspmx1.migadu.com", "migadu"},
		{"mx.yandex.net", "yandex.ru"},
		{"mxa.mailgun.org", ""},
		{"mx.example.com", ""},
		{"ionos.example.com", ""},
		{"notgoogle.com", ""},
	}
	for _, c := range cases {
		if got := idOf(db.ByMX(c.mx)); got != c.want && !(c.want == "" && got == "nil") {
			t.Errorf("ByMX(%s) = %s, want %q", c.mx, got, c.want)
		}
	}
	// Proton has no standard servers: the entry says why.
	if p := db.ByID("protonmail"); len(p.Incoming) != 0 || !hasHintContaining(p, "Bridge") {
		t.Errorf("protonmail: %d incoming servers, hints %v", len(p.Incoming), p.Hints)
	}
}

func hasHintContaining(p *autoconfig.Provider, s string) bool {
	for _, h := range p.Hints {
		if strings.Contains(h.Text, s) {
			return true
		}
	}
	return false
}

func TestParseMXTableErrors(t *testing.T) {
	hoster := func(provider, suffix string) string {
		return `{"provider":"` + provider + `","name":"N","mx_suffixes":["` + suffix + `"],"justification":"names mx.example.net and others"}`
	}
	cases := []struct{ name, in, want string }{
		{"no date", `{"hosters":[]}`, "no date"},
		{"unknown field", `{"date":"2026-01-01","hosters":[],"extra":1}`, "unknown field"},
		{"no justification", `{"date":"d","hosters":[{"provider":"p","name":"N","mx_suffixes":[".x.example"]}]}`, "justification"},
		{"no leading dot", `{"date":"d","hosters":[` + hoster("p", "x.example") + `]}`, "not a lower-case"},
		{"claimed twice", `{"date":"d","hosters":[` + hoster("p", ".x.example") + `,` + hoster("q", ".x.example") + `]}`, "claimed by"},
		{"rejected", `{"date":"d","hosters":[` + hoster("p", ".mailgun.org") + `],"rejected":[{"name":"Mailgun","mx_suffixes":[".mailgun.org"],"why":"no mailboxes"}]}`, "rejected"},
	}
	for _, c := range cases {
		_, err := parseMXTable([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
