package commands

import (
	"strings"
	"testing"
)

// FuzzParseTarget: every line of check --from (or of a serve target) is
// parsed without panicking into a target or a target that carries its
// error, never both nor neither.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"alice@example.com", "example.com", "imaps://mail.example.com:993", "smtp://mail.example.com?security=starttls",
		"imaps://[::1%25.allowed.test]:993", "%EMAILDOMAIN%@example.com", "pop3s://\x88:995", "://", "imap://:0", "smtps://a@b@c:465"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg := parseTarget(strings.TrimSpace(s))
		got := 0
		if tg.srv != nil {
			got++
		}
		if tg.addr.Domain != "" {
			got++
		}
		if tg.err != nil {
			got++
		}
		if got == 0 || (tg.err != nil && got > 1) {
			t.Errorf("parseTarget(%q) = %+v", s, tg)
		}
	})
}
