package commands

import (
	"strings"
	"testing"
)

// TestAddressWithPlaceholderRefused: an address whose local part holds a
// clientConfig placeholder is a usage error (exit 3) for every command
// that takes an address, before anything is looked up or written.
func TestAddressWithPlaceholderRefused(t *testing.T) {
	for _, args := range [][]string{
		{"discover", "--no-probe", "%EMAILDOMAIN%@example.com"},
		{"config", "--no-probe", "--format", "thunderbird", "a%REALNAME%@example.com"},
	} {
		_, stderr, status := run(args...)
		if status != exitCannotRun || !strings.Contains(stderr, "expand %…% as placeholders") {
			t.Errorf("%v: status %d, stderr %q; want 3 and the reason", args, status, stderr)
		}
	}
}
