package probe

import (
	"slices"
	"testing"
)

// TestCapabilityCodeInvalidUTF8: strings.ToUpper turns each invalid byte
// into the three-byte U+FFFD, so an offset found in the upper-cased line
// does not fit the line. The 21-byte greeting of issue 9 used to panic
// with "slice bounds out of range [19:17]"; the tagged CAPABILITY reply
// goes through the same function.
func TestCapabilityCodeInvalidUTF8(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"* OK\x88[CAPABILITY ", nil}, // as readLine returns it, without CRLF
		{"* OK\x88[CAPABILITY IMAP4rev1 STARTTLS] hi", []string{"IMAP4rev1", "STARTTLS"}},
		{"a1 OK \xff\xfe[capability IMAP4rev1]", []string{"IMAP4rev1"}},
		{"* OK [CAPABILITY IMAP4rev1 \xffX] hi", []string{"IMAP4rev1", "\xffX"}},
		{"* OK [CAPABILITY IMAP4rev1", []string{"IMAP4rev1"}},
		{"* OK ſ[CAPABILITY IDLE]", []string{"IDLE"}}, // U+017F upper-cases to the one byte "S"
		{"* OK [CAPABİLITY IDLE]", nil},               // U+0130 is no ASCII I: IMAP keywords are ASCII
		{"* OK no code", nil},
	}
	for _, c := range cases {
		got := capabilityCode(c.line)
		if !slices.Equal(got, c.want) {
			t.Errorf("capabilityCode(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}
