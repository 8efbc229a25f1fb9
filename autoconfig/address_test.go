package autoconfig

import (
	"errors"
	"testing"
)

// TestParseAddressRefusesEmptyLabels: one final dot is the DNS root and is
// dropped; any other empty label is refused, so that what is parsed once
// parses again the same (the fuzzer's find: "12l1.." became "12l1.",
// which did not read back).
func TestParseAddressRefusesEmptyLabels(t *testing.T) {
	for _, s := range []string{"alice@example..com", "alice@.example.com", "alice@example.com..", "12l1..", "a@b..c."} {
		if _, err := ParseAddress(s); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("ParseAddress(%q) = %v, want an invalid address", s, err)
		}
	}
	for _, s := range []string{"alice@example.com.", "example.com", "Alice@Example.COM"} {
		a, err := ParseAddress(s)
		if err != nil {
			t.Errorf("ParseAddress(%q): %v", s, err)
			continue
		}
		if b, err := ParseAddress(a.String()); err != nil || b != a {
			t.Errorf("ParseAddress(%q) = %+v, which parses again as %+v, %v", s, a, b, err)
		}
	}
}
