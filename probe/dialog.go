package probe

import (
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// dialog is one protocol's side of the pre-authentication conversation.
// The session runs the phases in order and calls these for the words.
type dialog interface {
	// greeting reads the server's banner into s.res.Greeting.
	greeting(s *session) error
	// capabilities returns the server's capabilities, asking for them
	// unless the greeting already gave them; note says anything unusual.
	capabilities(s *session) (caps []string, note string, err error)
	hasStartTLS(caps []string) bool
	// startTLS sends the upgrade command and reads its reply; a refusal is
	// a KindStartTLSRefused error. The handshake is the session's.
	startTLS(s *session) error
	// mechanisms lists the SASL mechanisms in caps.
	mechanisms(caps []string) []string
	// plaintextAuth reports whether caps, seen before TLS, allow sending a
	// password.
	plaintextAuth(caps []string) bool
	// quit says goodbye, ignoring errors; session.close drains the answer.
	quit(s *session)
}

func newDialog(p autoconfig.Protocol) dialog {
	switch p {
	case autoconfig.IMAP:
		return &imapDialog{}
	case autoconfig.POP3:
		return &pop3Dialog{}
	case autoconfig.SMTP:
		return &smtpDialog{}
	}
	return nil
}

// notProtocol explains a greeting that is not the one expected, naming the
// protocol the server does speak when that is recognisable.
func notProtocol(s *session, line, want string) error {
	if got := identify(line); got != "" && got != want {
		return failf(KindProtocol, "port %d speaks %s, not %s (greeting %s)", s.srv.Port, got, want, quote(line))
	}
	return failf(KindProtocol, "port %d does not speak %s: unexpected greeting %s", s.srv.Port, want, quote(line))
}

func hasFold(list []string, word string) bool {
	for _, w := range list {
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// indexFoldASCII is the byte offset in s of the first match of the ASCII
// word, compared without regard to ASCII case (as IMAP, POP3 and SMTP
// keywords are), or -1.
func indexFoldASCII(s, word string) int {
	for i := 0; i+len(word) <= len(s); i++ {
		if equalFoldASCII(s[i:i+len(word)], word) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// appendUnique appends the upper-cased words not yet in list.
func appendUnique(list []string, words ...string) []string {
	for _, w := range words {
		w = strings.ToUpper(w)
		if w != "" && !hasFold(list, w) {
			list = append(list, w)
		}
	}
	return list
}
