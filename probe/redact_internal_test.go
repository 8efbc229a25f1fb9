package probe

import (
	"strings"
	"testing"
)

// TestRedactor: every place a protocol carries credentials is hidden,
// whatever the mechanism and however the client splits it into lines.
func TestRedactor(t *testing.T) {
	const pass = "hunter2-pw"
	type line struct{ dir, text, want string }
	cases := []struct {
		name  string
		imap  bool
		lines []line
	}{
		{"imap login", true, []line{
			{"send", "T1 LOGIN alice " + pass, "T1 LOGIN alice [redacted]"},
			{"recv", "T1 OK logged in", ""},
			{"send", "T2 SELECT INBOX", "T2 SELECT INBOX"}}},
		{"imap login with literals", true, []line{
			{"send", "T1 LOGIN {5}", "T1 LOGIN [redacted]"},
			{"recv", "+ go ahead", ""},
			{"send", "alice {10}", "[redacted]"},
			{"recv", "+ go ahead", ""},
			{"send", pass, "[redacted]"},
			{"recv", "T1 NO [AUTHENTICATIONFAILED] no", ""},
			{"send", "T2 LOGOUT", "T2 LOGOUT"}}},
		{"imap authenticate with continuation", true, []line{
			{"send", "T1 AUTHENTICATE PLAIN", "T1 AUTHENTICATE PLAIN"},
			{"recv", "+ ", ""},
			{"send", b64("\x00alice\x00" + pass), "[redacted]"},
			{"recv", "T1 OK", ""},
			{"send", "T2 NOOP", "T2 NOOP"}}},
		{"smtp auth login", false, []line{
			{"send", "AUTH LOGIN", "AUTH LOGIN"},
			{"recv", "334 VXNlcm5hbWU6", ""},
			{"send", b64("alice"), "[redacted]"},
			{"recv", "334 UGFzc3dvcmQ6", ""},
			{"send", b64(pass), "[redacted]"},
			{"recv", "235 2.7.0 ok", ""},
			{"send", "MAIL FROM:<alice@example.test>", "MAIL FROM:<alice@example.test>"}}},
		{"smtp auth plain initial response", false, []line{
			{"send", "AUTH PLAIN " + b64("\x00alice\x00"+pass), "AUTH PLAIN [redacted]"},
			{"recv", "535 5.7.8 no", ""},
			{"send", "*", "*"},
			{"recv", "501 aborted", ""},
			{"send", "QUIT", "QUIT"}}},
		{"pop3 pass and apop", false, []line{
			{"send", "USER alice", "USER alice"},
			{"send", "PASS " + pass, "PASS [redacted]"},
			{"send", "APOP alice 0123456789abcdef", "APOP alice [redacted]"}}},
		{"the secret anywhere else", false, []line{
			{"send", "NOOP " + pass, "NOOP [redacted]"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRedactor(tc.imap, []string{pass})
			for _, l := range tc.lines {
				if l.dir == "recv" {
					r.received(l.text)
					continue
				}
				got := r.sent(l.text)
				if got != l.want {
					t.Errorf("sent(%q) = %q, want %q", l.text, got, l.want)
				}
				if strings.Contains(got, pass) {
					t.Errorf("secret left in %q", got)
				}
			}
		})
	}
}
