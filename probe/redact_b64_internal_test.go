package probe

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestScrubBase64Blobs: every base64 text that carries the password or
// token, at any offset, is redacted whole; other base64 stays.
func TestScrubBase64Blobs(t *testing.T) {
	const pass, token = "s3cret-Pässword", "ya29.a0-secret-token"
	r := newRedactor(false, []string{pass, token})
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	blobs := []string{
		b("\x00alice@example.test\x00" + pass),      // PLAIN
		b("admin\x00alice@example.test\x00" + pass), // PLAIN with an authorisation identity
		b("alice\x00alice\x00" + pass),
		b(pass), // LOGIN's answer to "Password:"
		b("user=alice@example.test\x01auth=Bearer " + token + "\x01\x01"),                                       // XOAUTH2
		b("n,a=alice@example.test,\x01host=mail.example.test\x01port=993\x01auth=Bearer " + token + "\x01\x01"), // OAUTHBEARER
		base64.RawURLEncoding.EncodeToString([]byte("x" + pass + "yz")),
	}
	for _, blob := range blobs {
		got := r.scrub("535 5.7.8 you sent " + blob + " (failure)")
		if got != "535 5.7.8 you sent "+Redacted+" (failure)" {
			t.Errorf("scrub(%q) = %q", blob, got)
		}
	}
	other := "334 " + b("Password:") + " " + b("\x00alice@example.test\x00other-password")
	if got := r.scrub(other); got != other {
		t.Errorf("scrub(%q) = %q, want it unchanged", other, got)
	}
	// A short secret gives no cores: its plain base64 is still redacted.
	short := newRedactor(false, []string{"pw1"})
	if got := short.scrub("said " + b("pw1") + " and " + b("\x00u\x00pw1")); !strings.Contains(got, "said "+Redacted) {
		t.Errorf("short secret: %q", got)
	}
}
