package autoconfig_test

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
)

func poxSettings(host, login string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>IMAP</Type><Server>` + host + `</Server><Port>993</Port><LoginName>` + login + `</LoginName><SPA>off</SPA><Encryption>SSL</Encryption></Protocol>
<Protocol><Type>SMTP</Type><Server>` + host + `</Server><Port>587</Port><LoginName>` + login + `</LoginName><SPA>off</SPA></Protocol>
</Account></Response></Autodiscover>`
}

func poxRedirect(action, target string) string {
	el := "RedirectUrl"
	if action == "redirectAddr" {
		el = "RedirectAddr"
	}
	return `<Autodiscover><Response><Account><Action>` + action + `</Action><` + el + `>` + target + `</` + el + `></Account></Response></Autodiscover>`
}

// poxHandler answers an Autodiscover POST after checking that it is one,
// that it carries no credentials, and which address it asks about.
func poxHandler(t *testing.T, answer func(email string) string) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("%s %s, want POST", r.Method, r.URL)
			http.Error(rw, "POST please", http.StatusMethodNotAllowed)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if a := r.Header.Get("Authorization"); a != "" || r.URL.User != nil {
			t.Errorf("credentials sent: %q", a)
		}
		b, _ := io.ReadAll(r.Body)
		_, rest, _ := strings.Cut(string(b), "<EMailAddress>")
		email, _, _ := strings.Cut(rest, "</EMailAddress>")
		rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = rw.Write([]byte(answer(email)))
	}
}

func lookupAutodiscover(t *testing.T, w *fakeWeb, addr autoconfig.Address, res resolver.Resolver) []autoconfig.Lookup {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lks := autoconfig.LookupAutodiscover(ctx, addr, res, &autoconfig.HTTPOptions{Client: w.client(t)})
	want := []string{
		"https://" + addr.Domain + "/autodiscover/autodiscover.xml",
		"https://autodiscover." + addr.Domain + "/autodiscover/autodiscover.xml",
		"http://autodiscover." + addr.Domain + "/autodiscover/autodiscover.xml",
		"SRV _autodiscover._tcp." + addr.Domain,
	}
	if len(lks) != len(want) {
		t.Fatalf("%d lookups, want %d", len(lks), len(want))
	}
	for i, lk := range lks {
		if lk.Source != autoconfig.SourceAutodiscover || lk.Query != want[i] {
			t.Errorf("lookup %d: %s %q, want %q", i, lk.Source, lk.Query, want[i])
		}
	}
	return lks
}

func crossDomainFindings(lk autoconfig.Lookup) int {
	n := 0
	for _, f := range lk.Findings {
		if f.Code == "autodiscover.redirect-cross-domain" {
			if f.Severity != autoconfig.SeverityWarning || f.Side != autoconfig.Discovery ||
				!strings.HasPrefix(f.Hint, "credentials will not be sent there") {
				return -1
			}
			n++
		}
	}
	return n
}

func TestLookupAutodiscoverMethods(t *testing.T) {
	w := newFakeWeb(t)
	w.handle("example.com", poxHandler(t, func(email string) string { return poxSettings("mail.example.com", email) }))
	w.serve("autodiscover.example.com", http.StatusUnauthorized, "text/html", "login first")
	var plainGET atomic.Int32
	w.handle("autodiscover.example.com", func(rw http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			http.Error(rw, "login first", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet || r.ContentLength > 0 {
			t.Errorf("plain http %s with %d bytes", r.Method, r.ContentLength)
		}
		plainGET.Add(1)
		http.Redirect(rw, r, "https://owa.example.com/autodiscover/autodiscover.xml", http.StatusFound)
	})
	w.handle("owa.example.com", poxHandler(t, func(email string) string { return poxSettings("owa.example.com", email) }))
	res := fakeResolver{srv: map[string][]resolver.SRV{"_autodiscover._tcp.example.com": {{Target: ".", Port: 0}}}}

	lks := lookupAutodiscover(t, w, alice, res)

	root := lks[0]
	want := []autoconfig.Server{
		{Protocol: autoconfig.IMAP, Host: "mail.example.com", Port: 993, Security: autoconfig.SecurityTLS, Username: "alice@example.com", Auth: []autoconfig.AuthMethod{autoconfig.AuthPasswordCleartext}},
		{Protocol: autoconfig.SMTP, Host: "mail.example.com", Port: 587, Security: autoconfig.SecurityStartTLS, Username: "alice@example.com", Auth: []autoconfig.AuthMethod{autoconfig.AuthPasswordCleartext}},
	}
	if root.Outcome != autoconfig.OutcomeFound || !root.Trusted || !reflect.DeepEqual(root.Servers, want) || len(root.Findings) != 0 {
		t.Errorf("root lookup = %+v", root)
	}
	sub := lks[1]
	if sub.Outcome != autoconfig.OutcomeError || sub.ErrorKind != "http-status" || sub.Error != "HTTP 401 Unauthorized" || !hasNote(sub, "wants authentication") {
		t.Errorf("autodiscover.example.com lookup = %+v", sub)
	}
	viaHTTP := lks[2]
	if viaHTTP.Outcome != autoconfig.OutcomeFound || !viaHTTP.Trusted || len(viaHTTP.Servers) != 2 || viaHTTP.Servers[0].Host != "owa.example.com" ||
		!hasNote(viaHTTP, "to https://owa.example.com/autodiscover/autodiscover.xml (the redirect itself came over plain http)") || plainGET.Load() != 1 {
		t.Errorf("http redirect lookup = %+v", viaHTTP)
	}
	srv := lks[3]
	if srv.Outcome != autoconfig.OutcomeNone || srv.ErrorKind != "not-offered" {
		t.Errorf("SRV lookup = %+v", srv)
	}
	for _, lk := range lks {
		if lk.Duration <= 0 {
			t.Errorf("%s: duration %v", lk.Query, lk.Duration)
		}
	}
}

func TestLookupAutodiscoverSRV(t *testing.T) {
	w := newFakeWeb(t)
	var port atomic.Value
	w.handle("ad.hoster.example.net", func(rw http.ResponseWriter, r *http.Request) {
		port.Store(r.Host)
		poxHandler(t, func(email string) string { return poxSettings("imap.hoster.example.net", email) })(rw, r)
	})
	w.handle("ad.example.com", poxHandler(t, func(email string) string { return poxSettings("imap.example.com", email) }))
	res := fakeResolver{srv: map[string][]resolver.SRV{
		"_autodiscover._tcp.example.com": {
			{Target: "ad.example.com", Port: 443, Priority: 10, Weight: 100},
			{Target: "ad.hoster.example.net.", Port: 8443, Priority: 0, Weight: 1},
			{Target: "ad2.hoster.example.net", Port: 443, Priority: 0, Weight: 0},
		},
	}}
	lk := lookupAutodiscover(t, w, alice, res)[3]
	if lk.Outcome != autoconfig.OutcomeFound || lk.Trusted || crossDomainFindings(lk) != 1 || port.Load() != "ad.hoster.example.net:8443" {
		t.Errorf("SRV lookup = %+v (host %v)", lk, port.Load())
	}
	if !hasNote(lk, "points to ad.hoster.example.net:8443 (priority 0, weight 1)") {
		t.Errorf("notes %q", lk.Notes)
	}

	// Inside the domain, an SRV answer is as good as the domain's own.
	res.srv["_autodiscover._tcp.example.com"] = []resolver.SRV{{Target: "ad.example.com", Port: 443}}
	lk = lookupAutodiscover(t, w, alice, res)[3]
	if lk.Outcome != autoconfig.OutcomeFound || !lk.Trusted || len(lk.Findings) != 0 {
		t.Errorf("SRV lookup within the domain = %+v", lk)
	}

	res = fakeResolver{err: map[string]error{"_autodiscover._tcp.example.com": resolver.ErrServFail}}
	if lk = lookupAutodiscover(t, w, alice, res)[3]; lk.Outcome != autoconfig.OutcomeError || lk.ErrorKind != "servfail" {
		t.Errorf("SERVFAIL lookup = %+v", lk)
	}
	if lk = lookupAutodiscover(t, w, alice, fakeResolver{})[3]; lk.Outcome != autoconfig.OutcomeNone || lk.ErrorKind != "nxdomain" {
		t.Errorf("NXDOMAIN lookup = %+v", lk)
	}
}

func TestLookupAutodiscoverRedirects(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, w *fakeWeb)
		outcome autoconfig.Outcome
		kind    string
		trusted bool
		cross   int
		host    string // of the first server found
		user    string
		notes   []string
	}{
		{name: "redirectUrl within the domain", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return poxRedirect("redirectUrl", "https://ad.example.com/autodiscover/autodiscover.xml")
			}))
			w.handle("ad.example.com", poxHandler(t, func(e string) string { return poxSettings("imap.example.com", e) }))
		}, outcome: autoconfig.OutcomeFound, trusted: true, host: "imap.example.com", user: "alice@example.com",
			notes: []string{"autodiscover redirectUrl from https://example.com/autodiscover/autodiscover.xml to https://ad.example.com/autodiscover/autodiscover.xml"}},
		{name: "redirectUrl to another domain", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return poxRedirect("redirectUrl", "https://autodiscover.hoster.example.net/autodiscover/autodiscover.xml")
			}))
			w.handle("autodiscover.hoster.example.net", poxHandler(t, func(e string) string { return poxSettings("imap.hoster.example.net", e) }))
		}, outcome: autoconfig.OutcomeFound, trusted: false, cross: 1, host: "imap.hoster.example.net", user: "alice@example.com"},
		{name: "redirectUrl over http", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return poxRedirect("redirectUrl", "http://ad.example.com/autodiscover/autodiscover.xml")
			}))
		}, outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "redirectUrl loop", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return poxRedirect("redirectUrl", "https://example.com/autodiscover/autodiscover.xml")
			}))
		}, outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "redirectAddr to another domain", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(e string) string {
				if e != "alice@example.com" {
					t.Errorf("example.com asked about %q", e)
				}
				return poxRedirect("redirectAddr", "alice.smith@other.example.org")
			}))
			w.handle("other.example.org", poxHandler(t, func(e string) string { return poxSettings("imap.other.example.org", e) }))
		}, outcome: autoconfig.OutcomeFound, trusted: false, cross: 1, host: "imap.other.example.org", user: "alice.smith@other.example.org",
			notes: []string{"autodiscover redirectAddr from alice@example.com to alice.smith@other.example.org"}},
		{name: "redirectAddr within the domain", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(e string) string {
				if e == "alice@example.com" {
					return poxRedirect("redirectAddr", "alice@corp.example.com")
				}
				t.Errorf("example.com asked about %q", e)
				return ""
			}))
			w.handle("corp.example.com", poxHandler(t, func(e string) string { return poxSettings("imap.example.com", e) }))
		}, outcome: autoconfig.OutcomeFound, trusted: true, host: "imap.example.com", user: "alice@corp.example.com"},
		{name: "redirectAddr loop", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(e string) string {
				if e == "alice@example.com" {
					return poxRedirect("redirectAddr", "bob@example.com")
				}
				return poxRedirect("redirectAddr", "alice@example.com")
			}))
		}, outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "redirectAddr garbage", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string { return poxRedirect("redirectAddr", "not an address") }))
		}, outcome: autoconfig.OutcomeError, kind: "malformed"},
		{name: "HTTP redirect keeps POST", setup: func(t *testing.T, w *fakeWeb) {
			w.redirect("example.com", http.StatusFound, "https://autodiscover.outlook.example.net/autodiscover/autodiscover.xml")
			w.handle("autodiscover.outlook.example.net", poxHandler(t, func(e string) string { return poxSettings("outlook.example.net", e) }))
		}, outcome: autoconfig.OutcomeFound, trusted: false, cross: 1, host: "outlook.example.net", user: "alice@example.com"},
		{name: "error answer", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return `<Autodiscover><Response><Error><ErrorCode>500</ErrorCode><Message>The email address can't be found.</Message></Error></Response></Autodiscover>`
			}))
		}, outcome: autoconfig.OutcomeNone},
		{name: "exchange only", setup: func(t *testing.T, w *fakeWeb) {
			w.handle("example.com", poxHandler(t, func(string) string {
				return `<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>EXCH</Type></Protocol></Account></Response></Autodiscover>`
			}))
		}, outcome: autoconfig.OutcomeNone, notes: []string{"no IMAP, POP3 or SMTP", `type "EXCH"`}},
		{name: "web page", setup: func(t *testing.T, w *fakeWeb) {
			w.serve("example.com", 200, "text/html", "<html><body>It works!</body></html>")
		}, outcome: autoconfig.OutcomeNone, kind: "malformed"},
		{name: "not autodiscover", setup: func(t *testing.T, w *fakeWeb) {
			w.serve("example.com", 200, "text/xml", "<clientConfig/>")
		}, outcome: autoconfig.OutcomeError, kind: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFakeWeb(t)
			tt.setup(t, w)
			lk := lookupAutodiscover(t, w, alice, fakeResolver{})[0]
			if lk.Outcome != tt.outcome || lk.ErrorKind != tt.kind || lk.Trusted != tt.trusted || crossDomainFindings(lk) != tt.cross {
				t.Errorf("lookup = %s %q %q trusted %v, findings %+v; want %s %q trusted %v",
					lk.Outcome, lk.ErrorKind, lk.Error, lk.Trusted, lk.Findings, tt.outcome, tt.kind, tt.trusted)
			}
			if tt.host != "" && (len(lk.Servers) == 0 || lk.Servers[0].Host != tt.host || lk.Servers[0].Username != tt.user) {
				t.Errorf("servers %v, want %s for %s", lk.Servers, tt.host, tt.user)
			}
			if tt.outcome != autoconfig.OutcomeFound && lk.Error == "" && len(lk.Notes) == 0 {
				t.Errorf("lookup %+v says nothing about why", lk)
			}
			for _, n := range tt.notes {
				if !hasNote(lk, n) {
					t.Errorf("notes %q lack %q", lk.Notes, n)
				}
			}
		})
	}
}

func TestLookupAutodiscoverHTTPMethod(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(w *fakeWeb)
		outcome autoconfig.Outcome
		kind    string
	}{
		{"no redirect", func(w *fakeWeb) {
			w.serve("autodiscover.example.com", 200, "text/xml", poxSettings("x.example.com", "a"))
		},
			autoconfig.OutcomeNone, ""},
		{"404", func(w *fakeWeb) {}, autoconfig.OutcomeNone, "http-status"},
		{"to http", func(w *fakeWeb) {
			w.redirect("autodiscover.example.com", http.StatusFound, "http://mail.example.com/autodiscover/autodiscover.xml")
		}, autoconfig.OutcomeError, "redirect"},
		{"nxdomain", func(w *fakeWeb) { w.nx["autodiscover.example.com"] = true }, autoconfig.OutcomeNone, "nxdomain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFakeWeb(t)
			tt.setup(w)
			lk := lookupAutodiscover(t, w, alice, fakeResolver{})[2]
			if lk.Outcome != tt.outcome || lk.ErrorKind != tt.kind || len(lk.Servers) != 0 {
				t.Errorf("lookup = %+v, want %s %q", lk, tt.outcome, tt.kind)
			}
		})
	}
}

func TestLookupAutodiscoverBareDomain(t *testing.T) {
	w := newFakeWeb(t)
	w.handle("example.com", func(rw http.ResponseWriter, r *http.Request) { t.Errorf("request %s %s", r.Method, r.URL) })
	w.handle("autodiscover.example.com", func(rw http.ResponseWriter, r *http.Request) { t.Errorf("request %s %s", r.Method, r.URL) })
	for _, lk := range lookupAutodiscover(t, w, autoconfig.Address{Domain: "example.com"}, fakeResolver{}) {
		if lk.Outcome != autoconfig.OutcomeNone || !hasNote(lk, "needs a full email address") {
			t.Errorf("lookup = %+v", lk)
		}
	}
}
