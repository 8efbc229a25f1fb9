package main

import (
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// The references of issue 13, each the page a corrected fact rests on.
const (
	refM1   = "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353"
	refM2   = "https://support.microsoft.com/en-us/office/modern-authentication-methods-now-needed-to-continue-syncing-outlook-email-in-non-microsoft-email-apps-c5d65390-9676-4763-b41f-d7986499a90d"
	refM3   = "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission"
	refM4   = "https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750"
	refG1   = "https://developers.google.com/gmail/imap/imap-smtp"
	refG2   = "https://support.google.com/mail/answer/7126229"
	refP1   = "https://proton.me/support/protonmail-bridge-faq"
	refP2   = "https://proton.me/support/addresses-and-aliases"
	refYA1  = "https://yandex.com/support/passport/authorization/app-passwords.html"
	refDCI  = "https://github.com/chatmail/provider-db/blob/master/_providers/icloud.md"
	refZ1   = "https://www.zoho.com/mail/help/imap-access.html"
	refTIM1 = "https://blog.giotech.net/regole-antispam-alice-in-uscita"
	refAR1  = "https://guide.pec.it/posta-pec/configurare-casella-pec/bozza.aspx"
	refAR2  = "https://guide.hosting.aruba.it/email/configurazione-email-pc-dispositivi-mobili/configurazione-casella-dominio-pc-mac-pop.aspx"
	refIC1  = "https://help.infocert.digital/Home/Guida/guide-to-configuring-legalmail-with-apple-mail?lang=en"
	refT1   = "https://www.telekom.de/hilfe/festnetz-internet-tv/sicherheit/missbrauch-von-diensten/keine-moeglichkeit-eine-e-mail-zu-senden-wegen-portsperre"
	refFW1  = "https://www.tomshw.it/hardware/fastweb-blocca-la-porta-tcp-25-in-uscita-per-tutti-ecco-perche/"
	// The ISPDB files' own documentation links.
	refComcast = "https://www.xfinity.com/support/articles/third-party-email-access"
	refO2      = "https://pomoc.o2.pl/aktywacja-dostepu-dla-programow-pocztowych"
)

// TestCorrectedFacts pins each fact the overlay corrects, under the name
// of the reference it rests on.
func TestCorrectedFacts(t *testing.T) {
	db := generatedDB(t)

	t.Run("M1,M2 outlook.com: OAuth2 only, no app password, IMAP/POP off by default", func(t *testing.T) {
		for _, d := range []string{"outlook.com", "hotmail.com", "live.com"} {
			p := entryFor(t, db, d)
			if hasNeed(p, "app-password") || !hasNeed(p, "oauth2") || !hasNeed(p, "enable-access") {
				t.Errorf("%s: needs %v, want oauth2 and enable-access, no app password", d, p.Needs)
			}
			overlaySourceOf(t, p, refM1)
			overlaySourceOf(t, p, refM2)
			if h := hintFrom(t, p, "Forwarding and IMAP"); h.URL != refM1 {
				t.Errorf("%s: the IMAP/POP hint links %s", d, h.URL)
			}
		}
	})
	t.Run("M3,M4 Microsoft 365: IMAP/POP OAuth2 only, SMTP AUTH per mailbox", func(t *testing.T) {
		p := db.ByID("office365.com")
		overlaySourceOf(t, p, refM3)
		overlaySourceOf(t, p, refM4)
		if hasNeed(p, "app-password") || !hasNeed(p, "oauth2") || !hasNeed(p, "enable-access") {
			t.Errorf("needs %v", p.Needs)
		}
		for _, s := range p.Incoming {
			if len(s.Auth) != 1 || s.Auth[0] != autoconfig.AuthOAuth2 {
				t.Errorf("%s: auth %v, want OAuth2 only", s.Server, s.Auth)
			}
		}
		smtp := server(p.Outgoing, "smtp smtp.office365.com:587 starttls")
		if smtp == nil || !containsAuth(smtp.Auth, autoconfig.AuthPasswordCleartext) || !containsAuth(smtp.Auth, autoconfig.AuthOAuth2) {
			t.Errorf("SMTP AUTH: %+v, want OAuth2 and a password (where the admin enabled it)", smtp)
		}
		hintFrom(t, p, "an admin enables it per mailbox")
		if p := db.ByMX("contoso-com.mail.protection.outlook.com"); p == nil || p.ID != "office365.com" {
			t.Errorf("hosted tenants lead to %v", p)
		}
	})
	t.Run("G1,G2 gmail.com: IMAP always on, 587 STARTTLS besides 465", func(t *testing.T) {
		p := entryFor(t, db, "gmail.com")
		overlaySourceOf(t, p, refG1)
		overlaySourceOf(t, p, refG2)
		if hasNeed(p, "enable-access") {
			t.Errorf("needs %v: IMAP is always on for personal accounts", p.Needs)
		}
		for _, h := range p.Hints {
			if h.Text == "You need to enable IMAP access" {
				t.Errorf("the ISPDB's stale <enable> hint is still there")
			}
		}
		if server(p.Outgoing, "smtp smtp.gmail.com:465 tls") == nil || server(p.Outgoing, "smtp smtp.gmail.com:587 starttls") == nil {
			t.Errorf("outgoing %v, want 465 and 587", p.Outgoing)
		}
		hintFrom(t, p, "always on for personal Gmail accounts since January 2025")
	})
	t.Run("P1,P2 proton.me: Proton, Bridge only", func(t *testing.T) {
		p := entryFor(t, db, "proton.me")
		if p.ID != "protonmail" || len(p.Incoming)+len(p.Outgoing) != 0 {
			t.Errorf("proton.me: %s with %d servers", p.ID, len(p.Incoming)+len(p.Outgoing))
		}
		overlaySourceOf(t, p, refP1)
		overlaySourceOf(t, p, refP2)
		hintFrom(t, p, "Proton Mail Bridge")
	})
	t.Run("YA1 yandex: app password", func(t *testing.T) {
		p := entryFor(t, db, "yandex.ru")
		overlaySourceOf(t, p, refYA1)
		if !hasNeed(p, "app-password") {
			t.Errorf("needs %v", p.Needs)
		}
	})
	t.Run("DCI iCloud+ custom domains: the login is the iCloud address", func(t *testing.T) {
		p := db.ByMX("mx01.mail.icloud.com")
		if p == nil || p.ID != "me.com" {
			t.Fatalf("iCloud MX leads to %v", p)
		}
		overlaySourceOf(t, p, refDCI)
		if h := hintFrom(t, p, "iCloud account's email address"); h.Kind != "hoster" {
			t.Errorf("kind %s", h.Kind)
		}
	})
	t.Run("Z1 Zoho organisation accounts: imappro/smtppro", func(t *testing.T) {
		org := db.ByMX("mx.zoho.com")
		if org == nil || org.ID != "zoho-organisation" {
			t.Fatalf("mx.zoho.com leads to %v", org)
		}
		src := overlaySourceOf(t, org, refZ1)
		if src.Unverified == "" {
			t.Error("the assumed ports are not marked unverified")
		}
		if server(org.Incoming, "imap imappro.zoho.com:993 tls") == nil || server(org.Outgoing, "smtp smtppro.zoho.com:465 tls") == nil {
			t.Errorf("servers %v %v", org.Incoming, org.Outgoing)
		}
		personal := entryFor(t, db, "zoho.com")
		if personal.ID != "zoho.com" || server(personal.Incoming, "imap imap.zoho.com:993 tls") == nil || len(personal.MXSuffixes) != 0 {
			t.Errorf("personal accounts: %s %v, MX %v", personal.ID, personal.Incoming, personal.MXSuffixes)
		}
		if eu := db.ByMX("mx.zoho.eu"); eu == nil || eu.ID != "zoho.eu" {
			t.Errorf("mx.zoho.eu leads to %v", eu)
		}
	})
	t.Run("TIM1 TIM's domains", func(t *testing.T) {
		for _, d := range []string{"alice.it", "aliceposta.it", "tin.it"} {
			p := entryFor(t, db, d)
			if p.ID != "alice.it" {
				t.Errorf("%s: %s", d, p.ID)
			}
		}
		if entryFor(t, db, "tim.it").ID != "tim.it" {
			t.Error("tim.it moved")
		}
		if s := overlaySourceOf(t, db.ByID("alice.it"), refTIM1); s.Unverified == "" {
			t.Error("which servers serve tin.it is not marked unverified")
		}
	})
	t.Run("AR2 aruba.it", func(t *testing.T) {
		p := entryFor(t, db, "aruba.it")
		overlaySourceOf(t, p, refAR2)
		for _, key := range []string{"imap imaps.aruba.it:993 tls", "pop3 pop3s.aruba.it:995 tls"} {
			if server(p.Incoming, key) == nil {
				t.Errorf("no %s", key)
			}
		}
		if server(p.Outgoing, "smtp smtps.aruba.it:465 tls") == nil {
			t.Error("no smtps.aruba.it:465")
		}
	})
	t.Run("AR1,AR2 Aruba PEC: POP3 on 995 (unverified), client password", func(t *testing.T) {
		p := entryFor(t, db, "pec.it")
		src := overlaySourceOf(t, p, refAR1)
		overlaySourceOf(t, p, refAR2)
		if src.Unverified == "" {
			t.Error("port 995 is not marked unverified")
		}
		if server(p.Incoming, "pop3 pop3s.pec.aruba.it:993 tls") != nil || server(p.Incoming, "pop3 pop3s.pec.aruba.it:995 tls") == nil {
			t.Errorf("incoming %v", p.Incoming)
		}
		if !hasNeed(p, "app-password") {
			t.Errorf("needs %v", p.Needs)
		}
	})
	t.Run("IC1 Legalmail", func(t *testing.T) {
		p := entryFor(t, db, "legalmail.it")
		if s := overlaySourceOf(t, p, refIC1); s.Unverified == "" {
			t.Error("the assumed ports are not marked unverified")
		}
		if len(p.Incoming) != 1 || p.Incoming[0].Host != "mbox.cert.legalmail.it" || len(p.Outgoing) != 1 || p.Outgoing[0].Host != "sendm.cert.legalmail.it" {
			t.Errorf("servers %v %v", p.Incoming, p.Outgoing)
		}
		if p.Incoming[0].Username != "" {
			t.Errorf("username %q: the login is the InfoCert user ID, which no placeholder gives", p.Incoming[0].Username)
		}
		hintFrom(t, p, "InfoCert user ID")
	})
	t.Run("ISPDB documentation links: comcast.net and o2.pl enable access", func(t *testing.T) {
		for d, url := range map[string]string{"comcast.net": refComcast, "o2.pl": refO2} {
			p := entryFor(t, db, d)
			overlaySourceOf(t, p, url)
			if !hasNeed(p, "enable-access") {
				t.Errorf("%s: needs %v", d, p.Needs)
			}
		}
	})
	t.Run("T1,FW1,TIM1 line relays", func(t *testing.T) {
		byName := map[string][]autoconfig.LineRelay{}
		for _, r := range db.LineRelays() {
			byName[r.Name] = append(byName[r.Name], r)
		}
		tk := byName["Deutsche Telekom"]
		if len(tk) != 2 || tk[0].Server == nil || tk[0].Server.Host != "mailto.t-online.de" || tk[1].Server.Host != "smtpmail.t-online.de" ||
			tk[0].Server.Port != 25 || tk[0].URLs[0] != refT1 || tk[0].Provider != "t-online.de" {
			t.Errorf("Telekom: %+v", tk)
		}
		if fw := byName["Fastweb"]; len(fw) != 1 || fw[0].Server != nil || fw[0].URLs[0] != refFW1 {
			t.Errorf("Fastweb: %+v", fw)
		}
		if tim := byName["TIM"]; len(tim) != 1 || tim[0].Server != nil || tim[0].URLs[0] != refTIM1 {
			t.Errorf("TIM: %+v", tim)
		}
	})
}
