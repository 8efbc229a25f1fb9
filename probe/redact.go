package probe

import (
	"encoding/base64"
	"strings"
)

// Redacted replaces credentials in transcripts and messages.
const Redacted = "[redacted]"

// redactor keeps credentials out of the transcript. It knows where each
// protocol carries them (IMAP LOGIN and AUTHENTICATE, SMTP and POP3 AUTH,
// POP3 PASS and APOP) and hides every line sent while an authentication
// exchange runs (SASL continuations, IMAP literals); and, as a second
// line of defence, it replaces the secrets themselves and their base64
// forms wherever they appear.
type redactor struct {
	imap    bool
	secrets []string
	cores   []string // the secrets' base64 and b64Cores
	inAuth  bool     // an authentication exchange is running
	tag     string
}

func newRedactor(imap bool, secrets []string) *redactor {
	r := &redactor{imap: imap}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		r.secrets = append(r.secrets, s)
		r.cores = append(r.cores, base64.StdEncoding.EncodeToString([]byte(s)))
		r.cores = append(r.cores, b64Cores(s)...)
	}
	return r
}

// b64Cores are, for each of the three alignments a secret can have inside
// a longer base64 text, the characters that only the secret's own bits
// determine. SASL blobs carry the password or token after other bytes:
// PLAIN is base64 of "authzid\0user\0password" (RFC 4616), XOAUTH2 of
// "user=U\x01auth=Bearer T\x01\x01", OAUTHBEARER of a GS2 header and
// key-value pairs with the token (RFC 7628); so the secret's own base64
// does not appear in them, but one of its cores does, whatever the
// authorisation identity, user name or host. Cores shorter than 6
// characters (secrets of under 5 bytes) would match too much by chance.
func b64Cores(secret string) []string {
	var out []string
	n := len(secret)
	for k := range 3 {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, k), secret...))
		from, to := (8*k+5)/6, 8*(k+n)/6 // whole 6-bit groups inside the secret
		if to-from >= 6 {
			out = append(out, enc[from:to])
		}
	}
	return out
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}

// sent returns line as the transcript may show it.
func (r *redactor) sent(line string) string {
	if r.inAuth {
		if line == "*" { // a SASL cancellation
			return line
		}
		return Redacted
	}
	f := strings.Fields(line)
	verbAt := 0
	if r.imap {
		verbAt = 1
	}
	if len(f) <= verbAt {
		return r.scrub(line)
	}
	verb := strings.ToUpper(f[verbAt])
	keep := func(n int) string { // the first n words, then the redaction
		return strings.Join(f[:min(n, len(f))], " ") + " " + Redacted
	}
	literal := strings.HasSuffix(line, "}")
	switch {
	case r.imap && verb == "LOGIN":
		r.tag = f[0]
		r.inAuth = literal
		if len(f) > 3 && !strings.HasPrefix(f[2], "{") {
			return keep(3)
		}
		return keep(2)
	case r.imap && verb == "AUTHENTICATE":
		r.tag, r.inAuth = f[0], true
		if len(f) > 3 {
			return keep(3)
		}
		return line
	case !r.imap && verb == "AUTH":
		r.inAuth = true
		if len(f) > 2 {
			return keep(2)
		}
		return line
	case !r.imap && (verb == "PASS" || verb == "APOP"):
		if verb == "APOP" && len(f) > 2 {
			return keep(2)
		}
		return keep(1)
	}
	return r.scrub(line)
}

// received follows the server's side: a continuation keeps an
// authentication exchange going, a final reply ends it.
func (r *redactor) received(line string) {
	if !r.inAuth {
		return
	}
	switch {
	case r.imap && strings.HasPrefix(line, r.tag+" "):
		r.inAuth = false
	case r.imap:
	case strings.HasPrefix(line, "334"), strings.HasPrefix(line, "+ "), line == "+":
	default:
		r.inAuth = false
	}
}

// scrub replaces the secrets wherever they appear, and every base64 word
// (standard or URL alphabet) that encodes one of them: the whole word
// goes, since its first and last characters carry bits of the secret too.
func (r *redactor) scrub(s string) string {
	for _, sec := range r.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	for _, core := range r.cores {
		for from := 0; ; {
			i := strings.Index(s[from:], core)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(core)
			for start > 0 && isB64(s[start-1]) {
				start--
			}
			for end < len(s) && isB64(s[end]) {
				end++
			}
			s = s[:start] + Redacted + s[end:]
			from = start + len(Redacted)
		}
	}
	return s
}

// scrub removes secrets from every text of a diagnosis: the last line of
// defence, should a server echo a password or a library put one in an
// error.
func scrub(d *Diagnosis, secrets []string) {
	if len(secrets) == 0 {
		return
	}
	r := newRedactor(false, secrets)
	for i := range d.Phases {
		d.Phases[i].Detail = r.scrub(d.Phases[i].Detail)
	}
	for i := range d.Findings {
		d.Findings[i].Message = r.scrub(d.Findings[i].Message)
		d.Findings[i].Hint = r.scrub(d.Findings[i].Hint)
	}
	for i := range d.Transcript {
		d.Transcript[i].Text = r.scrub(d.Transcript[i].Text)
	}
	for i := range d.Addresses {
		d.Addresses[i].Error = r.scrub(d.Addresses[i].Error)
	}
	d.Greeting = r.scrub(d.Greeting)
}
