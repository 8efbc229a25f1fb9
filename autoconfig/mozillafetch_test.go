package autoconfig_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

var alice = autoconfig.Address{Local: "alice", Domain: "example.com"}

const goodConfig = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>
<displayName>Example</displayName>
<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
<authentication>password-cleartext</authentication><username>%EMAILADDRESS</username></outgoingServer>
</emailProvider></clientConfig>`

func TestMozillaURLs(t *testing.T) {
	addr := autoconfig.Address{Local: "a.b+c d", Domain: "example.com"}
	ac, wk, ach, wkh := autoconfig.MozillaURLs(addr)
	want := []string{
		"https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a.b%2Bc%20d%40example.com",
		"https://example.com/.well-known/autoconfig/mail/config-v1.1.xml",
		"http://autoconfig.example.com/mail/config-v1.1.xml",
		"http://example.com/.well-known/autoconfig/mail/config-v1.1.xml",
	}
	for i, got := range []string{ac, wk, ach, wkh} {
		if got != want[i] {
			t.Errorf("MozillaURLs()[%d] = %q, want %q", i, got, want[i])
		}
	}
	if ac, _, _, _ := autoconfig.MozillaURLs(autoconfig.Address{Domain: "example.com"}); strings.Contains(ac, "?") {
		t.Errorf("bare domain: %q has a query", ac)
	}
}

func lookupMozilla(t *testing.T, w *fakeWeb, src autoconfig.Source, url, owner string) autoconfig.Lookup {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lk, cfg := autoconfig.LookupMozilla(ctx, src, url, alice, owner, &autoconfig.HTTPOptions{Client: w.client(t)})
	if (cfg != nil) != (lk.Outcome == autoconfig.OutcomeFound) {
		t.Errorf("config %v with outcome %s", cfg, lk.Outcome)
	}
	if lk.Source != src || lk.Query != url {
		t.Errorf("source %s, query %q", lk.Source, lk.Query)
	}
	return lk
}

func hasNote(lk autoconfig.Lookup, sub string) bool {
	for _, n := range lk.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func TestLookupMozillaFound(t *testing.T) {
	w := newFakeWeb(t)
	var query atomic.Value
	w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
		query.Store(r.URL.RawQuery)
		if ua := r.Header.Get("User-Agent"); ua != "postino" {
			t.Errorf("User-Agent %q", ua)
		}
		rw.Header().Set("Content-Type", "application/xml")
		_, _ = rw.Write([]byte(goodConfig))
	})
	u, _, _, _ := autoconfig.MozillaURLs(alice)
	lk := lookupMozilla(t, w, autoconfig.SourceAutoconfig, u, "example.com")
	if lk.Outcome != autoconfig.OutcomeFound || !lk.Trusted || len(lk.Servers) != 2 || lk.Error != "" {
		t.Fatalf("lookup = %+v", lk)
	}
	if q := query.Load(); q != "emailaddress=alice%40example.com" {
		t.Errorf("query %q", q)
	}
	if s := lk.Servers[0]; s.Host != "imap.example.com" || s.Username != "alice@example.com" {
		t.Errorf("server %v %q", s, s.Username)
	}
	if len(lk.Findings) != 1 || lk.Findings[0].Code != "autoconfig.data-problem" ||
		lk.Findings[0].Severity != autoconfig.SeverityWarning || lk.Findings[0].Side != autoconfig.Discovery ||
		!strings.Contains(lk.Findings[0].Message, "%EMAILADDRESS") || lk.Findings[0].Hint == "" {
		t.Errorf("findings %+v", lk.Findings)
	}
	if lk.Duration <= 0 {
		t.Errorf("duration %v", lk.Duration)
	}
}

func TestLookupMozillaRedirects(t *testing.T) {
	const path = "/mail/config-v1.1.xml"
	tests := []struct {
		name    string
		src     autoconfig.Source
		url     string
		owner   string
		setup   func(w *fakeWeb)
		outcome autoconfig.Outcome
		kind    string
		trusted bool
		notes   []string
	}{
		{name: "https to https, same domain", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com" + path, owner: "example.com",
			setup: func(w *fakeWeb) {
				w.redirect("autoconfig.example.com", http.StatusMovedPermanently, "https://www.example.com/config.xml")
				w.serve("www.example.com", 200, "text/xml", goodConfig)
			},
			outcome: autoconfig.OutcomeFound, trusted: true,
			notes: []string{"HTTP 301 redirect from https://autoconfig.example.com/mail/config-v1.1.xml to https://www.example.com/config.xml"}},
		{name: "https to another domain", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com" + path, owner: "example.com",
			setup: func(w *fakeWeb) {
				w.redirect("autoconfig.example.com", http.StatusFound, "https://autoconfig.hoster.example.net/c.xml")
				w.serve("autoconfig.hoster.example.net", 200, "text/xml", goodConfig)
			},
			outcome: autoconfig.OutcomeFound, trusted: false, notes: []string{"redirected outside example.com to autoconfig.hoster.example.net"}},
		{name: "ISPDB vouched for", src: autoconfig.SourceISPDB, url: "https://ispdb.example.org/v1.1/example.com", owner: "",
			setup: func(w *fakeWeb) {
				w.redirect("ispdb.example.org", http.StatusTemporaryRedirect, "https://cdn.example.net/example.com")
				w.serve("cdn.example.net", 200, "text/xml", goodConfig)
			},
			outcome: autoconfig.OutcomeFound, trusted: true},
		{name: "http to https", src: autoconfig.SourceAutoconfigHTTP, url: "http://autoconfig.example.com" + path, owner: "example.com",
			setup: func(w *fakeWeb) {
				w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
					if r.TLS == nil {
						http.Redirect(rw, r, "https://autoconfig.example.com"+path, http.StatusMovedPermanently)
						return
					}
					_, _ = rw.Write([]byte(goodConfig))
				})
			},
			outcome: autoconfig.OutcomeFound, trusted: false, notes: []string{"fetched over plain http"}},
		{name: "https to http", src: autoconfig.SourceWellKnown, url: "https://example.com/.well-known/autoconfig" + path, owner: "example.com",
			setup: func(w *fakeWeb) {
				w.handle("example.com", func(rw http.ResponseWriter, r *http.Request) {
					if r.TLS != nil {
						http.Redirect(rw, r, "http://example.com/x.xml", http.StatusFound)
						return
					}
					_, _ = rw.Write([]byte(goodConfig))
				})
			},
			outcome: autoconfig.OutcomeFound, trusted: false, notes: []string{"fetched over plain http"}},
		{name: "loop", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com/a", owner: "example.com",
			setup: func(w *fakeWeb) {
				w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
					next := map[string]string{"/a": "/b", "/b": "/a"}[r.URL.Path]
					http.Redirect(rw, r, next, http.StatusFound)
				})
			},
			outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "too many", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com/0", owner: "example.com",
			setup: func(w *fakeWeb) {
				w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
					http.Redirect(rw, r, r.URL.Path+"x", http.StatusFound)
				})
			},
			outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "no location", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com/", owner: "example.com",
			setup:   func(w *fakeWeb) { w.serve("autoconfig.example.com", http.StatusFound, "text/html", "") },
			outcome: autoconfig.OutcomeError, kind: "redirect"},
		{name: "to ftp", src: autoconfig.SourceAutoconfig, url: "https://autoconfig.example.com/", owner: "example.com",
			setup:   func(w *fakeWeb) { w.redirect("autoconfig.example.com", http.StatusFound, "ftp://example.com/x") },
			outcome: autoconfig.OutcomeError, kind: "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFakeWeb(t)
			tt.setup(w)
			lk := lookupMozilla(t, w, tt.src, tt.url, tt.owner)
			if lk.Outcome != tt.outcome || lk.ErrorKind != tt.kind || lk.Trusted != tt.trusted {
				t.Errorf("lookup = %s %q %q trusted %v, want %s %q trusted %v", lk.Outcome, lk.ErrorKind, lk.Error, lk.Trusted, tt.outcome, tt.kind, tt.trusted)
			}
			for _, n := range tt.notes {
				if !hasNote(lk, n) {
					t.Errorf("notes %q lack %q", lk.Notes, n)
				}
			}
		})
	}
}

func TestLookupMozillaFailures(t *testing.T) {
	refused := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	const host = "autoconfig.example.com"
	tests := []struct {
		name    string
		setup   func(t *testing.T, w *fakeWeb)
		outcome autoconfig.Outcome
		kind    string
		errText string
		note    string
	}{
		{name: "404", setup: func(t *testing.T, w *fakeWeb) {}, outcome: autoconfig.OutcomeNone, kind: "http-status", errText: "HTTP 404 Not Found"},
		{name: "410", setup: func(t *testing.T, w *fakeWeb) { w.serve(host, http.StatusGone, "text/plain", "gone") },
			outcome: autoconfig.OutcomeNone, kind: "http-status"},
		{name: "500", setup: func(t *testing.T, w *fakeWeb) { w.serve(host, 500, "text/plain", "oops") },
			outcome: autoconfig.OutcomeError, kind: "http-status", errText: "HTTP 500 Internal Server Error"},
		{name: "malformed", setup: func(t *testing.T, w *fakeWeb) { w.serve(host, 200, "text/xml", "<clientConfig><emailProvider>") },
			outcome: autoconfig.OutcomeError, kind: "malformed"},
		{name: "web page", setup: func(t *testing.T, w *fakeWeb) {
			w.serve(host, 200, "text/html; charset=utf-8", "<!DOCTYPE html><html><body>Welcome</body></html>")
		}, outcome: autoconfig.OutcomeNone, kind: "malformed", errText: "web page"},
		{name: "wrong content type", setup: func(t *testing.T, w *fakeWeb) { w.serve(host, 200, "text/plain", goodConfig) },
			outcome: autoconfig.OutcomeFound, note: `served as "text/plain", not XML`},
		{name: "untrusted certificate", setup: func(t *testing.T, w *fakeWeb) {
			w.dialTo[host] = untrustedServer(t).Listener.Addr().String()
		}, outcome: autoconfig.OutcomeError, kind: "tls"},
		{name: "http on the https port", setup: func(t *testing.T, w *fakeWeb) { w.dialTo[host] = w.plainAddr },
			outcome: autoconfig.OutcomeError, kind: "tls"},
		{name: "refused", setup: func(t *testing.T, w *fakeWeb) { w.dialTo[host] = refused(t) },
			outcome: autoconfig.OutcomeError, kind: "refused"},
		{name: "nxdomain", setup: func(t *testing.T, w *fakeWeb) { w.nx[host] = true },
			outcome: autoconfig.OutcomeNone, kind: "nxdomain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFakeWeb(t)
			tt.setup(t, w)
			lk := lookupMozilla(t, w, autoconfig.SourceAutoconfig, "https://"+host+"/mail/config-v1.1.xml", "example.com")
			if lk.Outcome != tt.outcome || lk.ErrorKind != tt.kind || !strings.Contains(lk.Error, tt.errText) {
				t.Errorf("lookup = %s %q %q, want %s %q %q", lk.Outcome, lk.ErrorKind, lk.Error, tt.outcome, tt.kind, tt.errText)
			}
			if tt.outcome != autoconfig.OutcomeFound && (lk.Error == "" || lk.Trusted || len(lk.Servers) > 0) {
				t.Errorf("failed lookup = %+v", lk)
			}
			if tt.note != "" && !hasNote(lk, tt.note) {
				t.Errorf("notes %q lack %q", lk.Notes, tt.note)
			}
		})
	}
}

func TestLookupMozillaTooLarge(t *testing.T) {
	w := newFakeWeb(t)
	const total = 64 << 20
	written := make(chan int, 1)
	w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		chunk := []byte(strings.Repeat("<!-- padding -->", 4096))
		n := 0
		for n < total {
			m, err := rw.Write(chunk)
			n += m
			if err != nil {
				break
			}
		}
		written <- n
	})
	lk := lookupMozilla(t, w, autoconfig.SourceAutoconfig, "https://autoconfig.example.com/big.xml", "example.com")
	if lk.Outcome != autoconfig.OutcomeError || lk.ErrorKind != "too-large" {
		t.Errorf("lookup = %s %q %q", lk.Outcome, lk.ErrorKind, lk.Error)
	}
	if n := <-written; n >= total {
		t.Errorf("the server wrote all %d bytes: the client read everything", n)
	}
}

func TestLookupMozillaTimeout(t *testing.T) {
	w := newFakeWeb(t)
	w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a server that never answers
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	lk, cfg := autoconfig.LookupMozilla(ctx, autoconfig.SourceAutoconfig, "https://autoconfig.example.com/x", alice, "example.com",
		&autoconfig.HTTPOptions{Client: w.client(t)})
	if cfg != nil || lk.Outcome != autoconfig.OutcomeError || lk.ErrorKind != "timeout" {
		t.Errorf("lookup = %s %q %q", lk.Outcome, lk.ErrorKind, lk.Error)
	}
}

func TestLookupMozillaCancelled(t *testing.T) {
	w := newFakeWeb(t)
	ctx, cancel := context.WithCancel(context.Background())
	w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	lk, _ := autoconfig.LookupMozilla(ctx, autoconfig.SourceAutoconfig, "https://autoconfig.example.com/x", alice, "example.com",
		&autoconfig.HTTPOptions{Client: w.client(t)})
	if lk.Outcome != autoconfig.OutcomeCancelled {
		t.Errorf("lookup = %s %q %q", lk.Outcome, lk.ErrorKind, lk.Error)
	}
}

func TestLookupMozillaOptions(t *testing.T) {
	w := newFakeWeb(t)
	w.handle("autoconfig.example.com", func(rw http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); ua != "test-agent/1" {
			t.Errorf("User-Agent %q", ua)
		}
		_, _ = rw.Write([]byte(goodConfig))
	})
	client := w.client(t)
	called := false
	client.CheckRedirect = func(*http.Request, []*http.Request) error { called = true; return nil }
	o := &autoconfig.HTTPOptions{Client: client, MaxBody: 100, UserAgent: "test-agent/1"}
	lk, _ := autoconfig.LookupMozilla(context.Background(), autoconfig.SourceAutoconfig, "https://autoconfig.example.com/x", alice, "example.com", o)
	if lk.ErrorKind != "too-large" {
		t.Errorf("MaxBody 100: lookup = %s %q %q", lk.Outcome, lk.ErrorKind, lk.Error)
	}
	if called || client.CheckRedirect == nil {
		t.Error("the caller's client was changed or used for redirects")
	}
}
