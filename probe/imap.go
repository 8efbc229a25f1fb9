package probe

import (
	"strconv"
	"strings"
)

// imapDialog speaks IMAP (RFC 9051, RFC 3501) up to authentication.
type imapDialog struct {
	tag       int
	greetCaps []string // from the greeting's [CAPABILITY …], used once
	preauth   bool
}

func (d *imapDialog) nextTag() string {
	d.tag++
	return "a" + strconv.Itoa(d.tag)
}

func (d *imapDialog) greeting(s *session) error {
	line, err := s.readLine()
	if err != nil {
		return err
	}
	s.res.Greeting = printableLines([]string{line}, 1024)
	switch {
	case hasPrefixFold(line, "* OK"):
	case hasPrefixFold(line, "* PREAUTH"):
		d.preauth = true
	case hasPrefixFold(line, "* BYE"):
		return failf(KindRefused, "the server refused service: %s", quote(line))
	default:
		return notProtocol(s, line, "IMAP")
	}
	d.greetCaps = capabilityCode(line)
	return nil
}

// capabilityCode returns the list in a "[CAPABILITY …]" response code, nil
// when there is none.
func capabilityCode(line string) []string {
	// Searched in line itself: an offset found in strings.ToUpper(line)
	// does not fit line, whose invalid UTF-8 bytes become three-byte
	// U+FFFD there (issue 9).
	i := indexFoldASCII(line, "[CAPABILITY ")
	if i < 0 {
		return nil
	}
	rest := line[i+len("[CAPABILITY "):]
	if j := strings.IndexByte(rest, ']'); j >= 0 {
		rest = rest[:j]
	}
	return strings.Fields(rest)
}

func (d *imapDialog) capabilities(s *session) ([]string, string, error) {
	if d.greetCaps != nil {
		caps := d.greetCaps
		d.greetCaps = nil
		return caps, "from the greeting", nil
	}
	tag := d.nextTag()
	if err := s.send(tag+" CAPABILITY", "CAPABILITY"); err != nil {
		return nil, "", err
	}
	untagged, status, final, err := d.readTagged(s, tag)
	if err != nil {
		return nil, "", err
	}
	var caps []string
	for _, u := range untagged {
		if f := strings.Fields(u); len(f) >= 2 && strings.EqualFold(f[1], "CAPABILITY") {
			caps = append(caps, f[2:]...)
		}
	}
	if status != "OK" {
		return caps, "", failf(KindProtocol, "the server rejected CAPABILITY: %s", quote(final))
	}
	if caps == nil {
		caps = capabilityCode(final)
	}
	return caps, "", nil
}

// readTagged reads untagged responses up to the tagged one, and returns
// them, the tagged status (OK, NO or BAD) and the tagged line.
func (d *imapDialog) readTagged(s *session, tag string) (untagged []string, status, final string, err error) {
	s.beginResponse()
	for {
		line, err := s.readLine()
		if err != nil {
			return untagged, "", "", err
		}
		// A literal ({N} at the line end) carries N bytes, then the line
		// goes on.
		for n, ok := literalSize(line); ok; n, ok = literalSize(line) {
			if err := s.readFull(n); err != nil {
				return untagged, "", "", err
			}
			more, err := s.readLine()
			if err != nil {
				return untagged, "", "", err
			}
			line += "…" + more
		}
		switch {
		case strings.HasPrefix(line, tag+" "):
			f := strings.Fields(line)
			if len(f) < 2 {
				return untagged, "", line, failf(KindProtocol, "malformed IMAP reply %s", quote(line))
			}
			return untagged, strings.ToUpper(f[1]), line, nil
		case strings.HasPrefix(line, "* "):
			untagged = append(untagged, line)
		case strings.HasPrefix(line, "+"):
			return untagged, "", line, failf(KindProtocol, "unexpected IMAP continuation request %s while waiting for %s", quote(line), s.what)
		default:
			return untagged, "", line, failf(KindProtocol, "malformed IMAP reply %s while waiting for %s", quote(line), s.what)
		}
	}
}

// literalSize reports whether line ends with an IMAP literal announcement,
// {N} or {N+}, and N.
func literalSize(line string) (int, bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false
	}
	i := strings.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(line[i+1:len(line)-1], "+"))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func (d *imapDialog) hasStartTLS(caps []string) bool { return hasFold(caps, "STARTTLS") }

func (d *imapDialog) startTLS(s *session) error {
	tag := d.nextTag()
	if err := s.send(tag+" STARTTLS", "STARTTLS"); err != nil {
		return err
	}
	_, status, final, err := d.readTagged(s, tag)
	if err != nil {
		return err
	}
	if status != "OK" {
		msg := "the server refused STARTTLS: " + quote(final)
		if d.preauth {
			msg += " (it greeted with PREAUTH, and STARTTLS is only allowed before authentication, RFC 9051 section 6.2.1)"
		}
		return failf(KindStartTLSRefused, "%s", msg)
	}
	return nil
}

func (d *imapDialog) mechanisms(caps []string) []string {
	var mechs []string
	for _, c := range caps {
		if hasPrefixFold(c, "AUTH=") {
			mechs = appendUnique(mechs, c[len("AUTH="):])
		}
	}
	return mechs
}

func (d *imapDialog) plaintextAuth(caps []string) bool {
	if len(caps) == 0 {
		return false
	}
	return !hasFold(caps, "LOGINDISABLED") || hasFold(caps, "AUTH=PLAIN") || hasFold(caps, "AUTH=LOGIN")
}

func (d *imapDialog) quit(s *session) {
	s.send(d.nextTag()+" LOGOUT", "LOGOUT")
}
