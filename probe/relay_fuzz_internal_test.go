package probe

import (
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// FuzzRelayOutcome: any reply to RCPT TO reads as one of the three
// outcomes; only a 2xx reply is ever taken for an accepted relay.
func FuzzRelayOutcome(f *testing.F) {
	for _, s := range []struct {
		code int
		text string
	}{
		{554, "5.7.1 <postmaster@example.net>: Relay access denied"},
		{550, "Relay access denied"},
		{550, "5.1.2 bad destination"},
		{450, "4.7.1 greylisted"},
		{250, "2.1.5 Ok"},
		{451, "\xff\xfe 5.7."},
	} {
		f.Add(s.code, s.text)
	}
	f.Fuzz(func(t *testing.T, code int, text string) {
		got := relayOutcome(code, text)
		switch got {
		case autoconfig.RelayAccepted:
			if code/100 != 2 {
				t.Errorf("relayOutcome(%d, %q) = accepted", code, text)
			}
		case autoconfig.RelayRefused, autoconfig.RelayUnknown:
		default:
			t.Errorf("relayOutcome(%d, %q) = %q, not an outcome", code, text, got)
		}
	})
}
