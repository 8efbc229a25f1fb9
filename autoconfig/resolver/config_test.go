package resolver_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

func TestNewServerAddress(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "192.0.2.1", want: "192.0.2.1:53"},
		{in: "192.0.2.1:5353", want: "192.0.2.1:5353"},
		{in: "dns.example", want: "dns.example:53"},
		{in: "::1", want: "[::1]:53"},
		{in: "[::1]", want: "[::1]:53"},
		{in: "[::1]:5300", want: "[::1]:5300"},
		{in: "2001:db8::53", want: "[2001:db8::53]:53"},
		{in: "", wantErr: true},
		{in: ":53", wantErr: true},
		{in: "192.0.2.1:0", wantErr: true},
		{in: "192.0.2.1:99999", wantErr: true},
		{in: "192.0.2.1:dns", wantErr: true},
		{in: "[::1", wantErr: true},
	}
	for _, tt := range tests {
		c, err := resolver.New(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("New(%q) = %v, want an error", tt.in, c.Servers())
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%q): %v", tt.in, err)
			continue
		}
		if got := c.Servers(); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("New(%q) servers = %v, want [%s]", tt.in, got, tt.want)
		}
	}
}

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	os.WriteFile(conf, []byte("# test\nsearch example.com\nnameserver 192.0.2.1\nnameserver ::1\noptions ndots:1\n"), 0o644)
	c, err := resolver.FromFile(conf)
	if err != nil {
		t.Fatalf("FromFile: %v", err)
	}
	if got, want := c.Servers(), []string{"192.0.2.1:53", "[::1]:53"}; !slices.Equal(got, want) {
		t.Errorf("servers = %v, want %v", got, want)
	}

	empty := filepath.Join(dir, "empty.conf")
	os.WriteFile(empty, []byte("search example.com\n"), 0o644)
	if _, err := resolver.FromFile(empty); err == nil {
		t.Errorf("FromFile(no nameserver) succeeded, want an error")
	}
	if _, err := resolver.FromFile(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("FromFile(missing file) succeeded, want an error")
	}
}
