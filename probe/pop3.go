package probe

import (
	"strings"
)

// pop3Dialog speaks POP3 (RFC 1939, CAPA from RFC 2449, STLS from RFC 2595)
// up to authentication.
type pop3Dialog struct{}

func (d *pop3Dialog) greeting(s *session) error {
	line, err := s.readLine()
	if err != nil {
		return err
	}
	s.res.Greeting = printableLines([]string{line}, 1024)
	switch {
	case hasPrefixFold(line, "+OK"):
		return nil
	case hasPrefixFold(line, "-ERR"):
		return failf(KindRefused, "the server refused service: %s", quote(line))
	}
	return notProtocol(s, line, "POP3")
}

// status reads a one-line status reply and reports whether it is +OK.
func (d *pop3Dialog) status(s *session) (bool, string, error) {
	s.beginResponse()
	line, err := s.readLine()
	if err != nil {
		return false, "", err
	}
	switch {
	case hasPrefixFold(line, "+OK"):
		return true, line, nil
	case hasPrefixFold(line, "-ERR"):
		return false, line, nil
	}
	return false, line, failf(KindProtocol, "malformed POP3 reply %s while waiting for %s", quote(line), s.what)
}

func (d *pop3Dialog) capabilities(s *session) ([]string, string, error) {
	if err := s.send("CAPA", "CAPA"); err != nil {
		return nil, "", err
	}
	ok, line, err := d.status(s)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		// A server from before RFC 2449 has no CAPA: it works, but cannot
		// advertise STLS.
		return nil, "CAPA not supported: " + printable(line, 80), nil
	}
	var caps []string
	for {
		line, err := s.readLine()
		if err != nil {
			return caps, "", err
		}
		if line == "." {
			return caps, "", nil
		}
		caps = append(caps, strings.TrimPrefix(line, ".")) // dot-stuffing, RFC 1939 section 3
	}
}

func (d *pop3Dialog) hasStartTLS(caps []string) bool {
	for _, c := range caps {
		if f := strings.Fields(c); len(f) > 0 && strings.EqualFold(f[0], "STLS") {
			return true
		}
	}
	return false
}

func (d *pop3Dialog) startTLS(s *session) error {
	if err := s.send("STLS", "STLS"); err != nil {
		return err
	}
	ok, line, err := d.status(s)
	if err != nil {
		return err
	}
	if !ok {
		return failf(KindStartTLSRefused, "the server refused STLS: %s", quote(line))
	}
	return nil
}

func (d *pop3Dialog) mechanisms(caps []string) []string {
	var mechs []string
	for _, c := range caps {
		if f := strings.Fields(c); len(f) > 0 && strings.EqualFold(f[0], "SASL") {
			mechs = appendUnique(mechs, f[1:]...)
		}
	}
	return mechs
}

func (d *pop3Dialog) plaintextAuth(caps []string) bool {
	for _, c := range caps {
		if f := strings.Fields(c); len(f) > 0 && strings.EqualFold(f[0], "USER") {
			return true
		}
	}
	mechs := d.mechanisms(caps)
	return hasFold(mechs, "PLAIN") || hasFold(mechs, "LOGIN")
}

func (d *pop3Dialog) quit(s *session) {
	s.send("QUIT", "QUIT")
}
