package commands

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// TestDiscoverTextNoProbe: with --no-probe nothing is probed, so the
// recommended servers of a domain the provider database knows have no
// probe result; the text renderer used to dereference it and panic
// (issue 9).
func TestDiscoverTextNoProbe(t *testing.T) {
	data, err := os.ReadFile(writeDB(t, entry("mailco", "Mail Co", "mailco.example",
		server("imap", "imap.mailco.example", 993, "tls"), server("smtp", "smtp.mailco.example", 465, "tls"))))
	if err != nil {
		t.Fatal(err)
	}
	db, err := autoconfig.ParseProviders(data)
	if err != nil {
		t.Fatal(err)
	}
	others := []autoconfig.Source{autoconfig.SourceSRV, autoconfig.SourceAutoconfig, autoconfig.SourceWellKnown,
		autoconfig.SourceAutoconfigHTTP, autoconfig.SourceISPDB, autoconfig.SourceMX, autoconfig.SourceAutodiscover, autoconfig.SourceGuess}
	dns, err := resolver.New(resolvertest.NewServer(t, resolvertest.Zone{}).Addr())
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := autoconfig.ParseAddress("alice@mailco.example")
	res, err := autoconfig.Discover(context.Background(), addr, &autoconfig.Options{Providers: db, Disabled: others,
		Resolver: dns, HTTP: &autoconfig.HTTPOptions{}})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Incoming.Recommended; r == nil || r.Probe != nil {
		t.Fatalf("incoming recommended %+v, want one without a probe", r)
	}
	for _, verbose := range []bool{false, true} {
		var out bytes.Buffer
		o := &output{w: &out, errw: &out, format: "text", verbose: verbose, command: "discover", pal: newPalette(false)}
		if err := o.discoverText(res); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"recommended: IMAP imap.mailco.example port 993", "recommended: SMTP smtp.mailco.example port 465", "not probed"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("verbose=%v: output lacks %q:\n%s", verbose, want, out.String())
			}
		}
	}
}
