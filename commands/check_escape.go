package commands

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Targets come from files and standard input as they are, and messages
// quote what servers sent: either may hold terminal escape sequences,
// other control characters or invalid UTF-8. Every format of check but
// json (whose encoder escapes them itself) shows them through these two
// functions, so that a target cannot recolour a terminal, start a bogus
// Nagios line or GitHub command, or make a Prometheus file invalid.

// displayLine is s for one line of output: control characters, invalid
// UTF-8 and the bidirectional overrides that reorder text on screen are
// written as Go escapes (\x1b, \xff, \u202e).
func displayLine(s string) string { return escapeText(s, false) }

// displayText is displayLine that keeps newlines and tabs, for messages
// that each format then lays out in its own way.
func displayText(s string) string { return escapeText(s, true) }

func escapeText(s string, keepLines bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			// C1 controls (0x9b is a terminal's CSI) and bidi controls.
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
