package resolver_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// TestHostsFile: names in the hosts file are answered from it, before and
// instead of DNS, as the system resolver does; other names go to DNS.
func TestHostsFile(t *testing.T) {
	srv := resolvertest.NewServer(t, resolvertest.Zone{
		"mail.example.test": {A: []string{"192.0.2.1"}},
		"dns.example.test":  {A: []string{"192.0.2.2"}},
	})
	hosts := filepath.Join(t.TempDir(), "hosts")
	os.WriteFile(hosts, []byte(`# a comment
127.0.0.1   localhost
::1         localhost ip6-localhost
10.0.0.5    Mail.Example.Test. mail   # split horizon: the inside address
fe80::1%eth0 linklocal.test
not-an-ip   broken.test
10.0.0.6
`), 0o644)
	c := resolver.NewServers(srv.Addr())
	if err := c.UseHostsFile(hosts); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		host      string
		family    resolver.Family
		want      []string
		fromHosts bool
	}{
		{"localhost", resolver.IPv4, []string{"127.0.0.1"}, true},
		{"localhost", resolver.IPv6, []string{"::1"}, true},
		{"mail.example.test", resolver.IPv4, []string{"10.0.0.5"}, true}, // not DNS's 192.0.2.1
		{"MAIL.example.test.", resolver.IPv4, []string{"10.0.0.5"}, true},
		{"mail.example.test", resolver.IPv6, nil, true}, // named there: no AAAA, and no DNS
		{"dns.example.test", resolver.IPv4, []string{"192.0.2.2"}, false},
		{"linklocal.test", resolver.IPv6, nil, false},
		{"broken.test", resolver.IPv4, nil, false},
	} {
		ips, ans, err := c.LookupIP(ctx, tc.host, tc.family)
		if tc.fromHosts && err != nil {
			t.Errorf("%s %s: %v", tc.host, tc.family, err)
		}
		var got []string
		for _, ip := range ips {
			got = append(got, ip.String())
		}
		if !slices.Equal(got, tc.want) || ans.Hosts != tc.fromHosts || tc.fromHosts && ans.Server != hosts {
			t.Errorf("%s %s = %v (hosts %v, server %s), want %v from hosts %v", tc.host, tc.family, got, ans.Hosts, ans.Server, tc.want, tc.fromHosts)
		}
	}
	// The Dialer resolves through it: localhost connects.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	conn, err := (&resolver.Dialer{Resolver: c}).DialContext(ctx, "tcp", net.JoinHostPort("localhost", port))
	if err != nil {
		t.Fatalf("dial localhost: %v", err)
	}
	conn.Close()
	// No file, no table; "" turns it off.
	if err := c.UseHostsFile(filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Errorf("a missing hosts file: %v", err)
	}
	if _, ans, _ := c.LookupIP(ctx, "mail.example.test", resolver.IPv4); ans.Hosts {
		t.Errorf("answered from a missing file")
	}
}
