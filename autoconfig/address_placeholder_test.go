package autoconfig

import (
	"errors"
	"strings"
	"testing"
)

// TestParseAddressRefusesPercent: a local part with '%' would be written
// into Thunderbird files, where the client expands %…% (issue 9).
func TestParseAddressRefusesPercent(t *testing.T) {
	for _, s := range []string{"%EMAILDOMAIN%@example.com", "a%EMAILLOCALPART%b@example.com", "%REALNAME%@example.com", "%x%@example.com", "user%host@example.com"} {
		_, err := ParseAddress(s)
		if !errors.Is(err, ErrInvalidAddress) || !strings.Contains(err.Error(), "placeholders") {
			t.Errorf("ParseAddress(%q) = %v, want an invalid address about placeholders", s, err)
		}
	}
	if a, err := ParseAddress("alice.percent@example.com"); err != nil || a.Local != "alice.percent" {
		t.Errorf("plain address: %+v, %v", a, err)
	}
}
