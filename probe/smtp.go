package probe

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// smtpDialog speaks SMTP submission (RFC 5321, STARTTLS from RFC 3207) up to
// authentication.
type smtpDialog struct{}

// reply reads one SMTP reply, all its lines: the code and the text of each
// line. A reply line is three digits, then "-" when more lines follow, or a
// space (or nothing) on the last (RFC 5321 section 4.2).
func (d *smtpDialog) reply(s *session) (code int, lines []string, err error) {
	s.beginResponse()
	for {
		line, err := s.readLine()
		if err != nil {
			return 0, lines, err
		}
		c, last, text, ok := parseReplyLine(line)
		if !ok {
			return 0, lines, failf(KindProtocol, "malformed SMTP reply %s while waiting for %s", quote(line), s.what)
		}
		if code != 0 && c != code {
			return 0, lines, failf(KindProtocol, "SMTP reply lines with different codes (%d, then %d) while waiting for %s", code, c, s.what)
		}
		code = c
		lines = append(lines, text)
		if last {
			return code, lines, nil
		}
	}
}

func parseReplyLine(line string) (code int, last bool, text string, ok bool) {
	if len(line) < 3 || line[0] < '2' || line[0] > '5' {
		return 0, false, "", false
	}
	c, err := strconv.Atoi(line[:3])
	if err != nil {
		return 0, false, "", false
	}
	switch {
	case len(line) == 3:
		return c, true, "", true
	case line[3] == ' ':
		return c, true, line[4:], true
	case line[3] == '-':
		return c, false, line[4:], true
	}
	return 0, false, "", false
}

func (d *smtpDialog) greeting(s *session) error {
	s.beginResponse()
	// Never write before the whole greeting is in: a client that does is
	// one postscreen (Postfix) rejects for pregreeting.
	first, err := s.readLine()
	if err != nil {
		return err
	}
	c, last, _, ok := parseReplyLine(first)
	if !ok {
		s.res.Greeting = printableLines([]string{first}, 1024)
		return notProtocol(s, first, "SMTP")
	}
	raw := []string{first}
	for !last {
		line, err := s.readLine()
		if err != nil {
			return err
		}
		raw = append(raw, line)
		var c2 int
		if c2, last, _, ok = parseReplyLine(line); !ok || c2 != c {
			s.res.Greeting = printableLines(raw, 1024)
			return failf(KindProtocol, "malformed SMTP greeting line %s", quote(line))
		}
	}
	s.res.Greeting = printableLines(raw, 1024)
	switch {
	case c == 220:
		return nil
	case c == 554 || c == 421:
		// RFC 5321 section 3.1: 554 instead of 220 means no service here.
		return failf(KindRefused, "the server refused service: %s", quote(strings.Join(raw, " ")))
	}
	return failf(KindProtocol, "unexpected SMTP greeting %s (expected 220)", quote(strings.Join(raw, " ")))
}

// ehloName is the name sent in EHLO: the configured one, or the address
// literal of our end of the connection (RFC 5321 section 4.1.3).
func (s *session) ehloName() string {
	if s.p.ehloName != "" {
		return s.p.ehloName
	}
	if a, ok := s.raw.LocalAddr().(*net.TCPAddr); ok {
		if a.IP.To4() != nil {
			return "[" + a.IP.String() + "]"
		}
		return "[IPv6:" + a.IP.String() + "]"
	}
	return "[127.0.0.1]"
}

// capabilities sends EHLO, and HELO when the server rejects EHLO. The
// capabilities are the lines of the EHLO reply after the first.
func (d *smtpDialog) capabilities(s *session) ([]string, string, error) {
	name := s.ehloName()
	if err := s.send("EHLO "+name, "EHLO"); err != nil {
		return nil, "", err
	}
	code, lines, err := d.reply(s)
	if err != nil {
		return nil, "", err
	}
	if code == 250 {
		return lines[1:], "", nil
	}
	if code == 421 {
		return nil, "", failf(KindRefused, "the server refused service: %d %s", code, quote(strings.Join(lines, " ")))
	}
	if code < 500 {
		return nil, "", failf(KindProtocol, "the server answered EHLO with %d %s", code, quote(strings.Join(lines, " ")))
	}
	note := fmt.Sprintf("EHLO refused (%d), HELO accepted", code)
	if err := s.send("HELO "+name, "HELO"); err != nil {
		return nil, "", err
	}
	code2, lines2, err := d.reply(s)
	if err != nil {
		return nil, "", err
	}
	if code2 != 250 {
		return nil, "", failf(KindProtocol, "the server rejected both EHLO (%d) and HELO: %d %s", code, code2, quote(strings.Join(lines2, " ")))
	}
	return nil, note, nil
}

func (d *smtpDialog) hasStartTLS(caps []string) bool {
	for _, c := range caps {
		if f := strings.Fields(c); len(f) > 0 && strings.EqualFold(f[0], "STARTTLS") {
			return true
		}
	}
	return false
}

func (d *smtpDialog) startTLS(s *session) error {
	if err := s.send("STARTTLS", "STARTTLS"); err != nil {
		return err
	}
	code, lines, err := d.reply(s)
	if err != nil {
		return err
	}
	if code != 220 {
		return failf(KindStartTLSRefused, "the server refused STARTTLS: %d %s", code, quote(strings.Join(lines, " ")))
	}
	return nil
}

// mechanisms reads the AUTH line, and the "AUTH=" form some old servers
// (and Outlook's expectations) still use.
func (d *smtpDialog) mechanisms(caps []string) []string {
	var mechs []string
	for _, c := range caps {
		f := strings.Fields(c)
		switch {
		case len(f) == 0:
		case strings.EqualFold(f[0], "AUTH"):
			mechs = appendUnique(mechs, f[1:]...)
		case hasPrefixFold(f[0], "AUTH="):
			mechs = appendUnique(mechs, append([]string{f[0][len("AUTH="):]}, f[1:]...)...)
		}
	}
	return mechs
}

func (d *smtpDialog) plaintextAuth(caps []string) bool { return len(d.mechanisms(caps)) > 0 }

func (d *smtpDialog) quit(s *session) {
	s.send("QUIT", "QUIT")
}
