package probe

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/postino-mail/postino/autoconfig"
)

// Transcript bounds: a probe keeps the first transcriptHead lines and the
// last transcriptTail, and shortens each to transcriptLineMax bytes, so a
// server that talks without end cannot make a report grow without end.
const (
	transcriptHead    = 180
	transcriptTail    = 20
	transcriptLineMax = 512
)

// transcript records a conversation, swaks-style: one entry per line sent or
// received, marked with whether it travelled inside TLS.
type transcript struct {
	head    []autoconfig.TranscriptLine
	tail    []autoconfig.TranscriptLine // ring once full
	next    int                         // ring position in tail
	omitted int
}

func (t *transcript) add(dir string, inTLS bool, text string) {
	l := autoconfig.TranscriptLine{Dir: dir, TLS: inTLS, Text: printable(text, transcriptLineMax)}
	switch {
	case len(t.head) < transcriptHead:
		t.head = append(t.head, l)
	case len(t.tail) < transcriptTail:
		t.tail = append(t.tail, l)
	default:
		t.tail[t.next] = l
		t.next = (t.next + 1) % transcriptTail
		t.omitted++
	}
}

// lines returns the recorded conversation, with a marker where lines were
// left out.
func (t *transcript) lines() []autoconfig.TranscriptLine {
	out := append([]autoconfig.TranscriptLine{}, t.head...)
	if t.omitted > 0 {
		out = append(out, autoconfig.TranscriptLine{Dir: "recv", Text: fmt.Sprintf("[%d lines omitted]", t.omitted)})
	}
	out = append(out, t.tail[t.next:]...)
	out = append(out, t.tail[:t.next]...)
	if len(out) == 0 {
		return nil
	}
	return out
}

// printable makes untrusted server text safe to show and to put in JSON:
// control bytes and invalid UTF-8 become \xNN escapes, and text longer than
// max bytes is cut with a note of how much was left out.
func printable(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if b.Len() >= max {
			fmt.Fprintf(&b, "…[%d more bytes]", len(s)-i)
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20 && r != '\t', r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// printableLines joins lines with "\n", each made printable and cut at max
// bytes.
func printableLines(lines []string, max int) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = printable(l, max)
	}
	return strings.Join(out, "\n")
}

// printableAll is the words made printable, each cut at 200 bytes.
func printableAll(words []string) []string {
	if words == nil {
		return nil
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = printable(w, 200)
	}
	return out
}
