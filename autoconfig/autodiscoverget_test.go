package autoconfig_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// TestLookupAutodiscoverGET: Delta Chat's way of asking. A server that
// answers GET but refuses POST gives settings here and nothing to the
// POST lookups; the lookups keep the HTTP evidence postino lint reads.
func TestLookupAutodiscoverGET(t *testing.T) {
	w := newFakeWeb(t)
	w.handle("autodiscover.example.com", func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(rw, "GET only", http.StatusMethodNotAllowed)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		rw.Write([]byte(poxSettings("mail.example.com", "alice@example.com")))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := &autoconfig.HTTPOptions{Client: w.client(t)}
	get := autoconfig.LookupAutodiscoverGET(ctx, alice, o)
	if len(get) != 2 || get[0].Query != "GET https://example.com/autodiscover/autodiscover.xml" ||
		get[1].Query != "GET https://autodiscover.example.com/autodiscover/autodiscover.xml" {
		t.Fatalf("lookups %+v", get)
	}
	if get[0].Outcome != autoconfig.OutcomeNone || get[1].Outcome != autoconfig.OutcomeFound || !get[1].Trusted ||
		len(get[1].Servers) != 2 || get[1].Servers[0].Host != "mail.example.com" {
		t.Errorf("GET lookups: %+v", get)
	}
	if h := get[1].HTTP; h == nil || h.Method != http.MethodGet || h.Status != 200 || h.ContentType != "text/xml" || !h.Secure || len(get[1].Document) == 0 {
		t.Errorf("GET evidence: %+v", h)
	}
	post := autoconfig.LookupAutodiscover(ctx, alice, nil, o)[1]
	if post.Outcome != autoconfig.OutcomeError || post.HTTP == nil || post.HTTP.Method != http.MethodPost || post.HTTP.Status != http.StatusMethodNotAllowed {
		t.Errorf("POST lookup: %+v %+v", post, post.HTTP)
	}
}
