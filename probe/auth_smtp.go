package probe

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/emersion/go-smtp"
)

// smtpLib is a go-smtp client session on a handed-over connection.
type smtpLib struct {
	c    *smtp.Client
	mech string
}

func (l *smtpLib) mechanism() string { return l.mech }

func (l *smtpLib) close() {
	l.c.Quit()
	l.c.Close()
}

// smtpLogin says EHLO again with go-smtp (legal at any time, RFC 5321
// section 4.1.4) and authenticates with the best mechanism offered. go-smtp
// would send AUTH over plain text; the caller has checked TLS already.
func smtpLogin(ss *session, conn net.Conn, cr *Credentials) (library, error) {
	c := smtp.NewClient(conn)
	l := &smtpLib{c: c}
	if err := c.Hello(ss.ehloName()); err != nil {
		return l, smtpErr(err)
	}
	_, param := c.Extension("AUTH")
	mechs := upperAll(strings.Fields(param))
	mech, client := saslFor(cr, mechs, ss.host, ss.srv.Port)
	if client == nil {
		return l, fmt.Errorf("%w: the server offers AUTH %v", errNoMechanism, mechs)
	}
	l.mech = mech
	if err := c.Auth(client); err != nil {
		return l, smtpErr(err)
	}
	return l, nil
}

func smtpErr(err error) error {
	if errors.Is(err, smtp.ErrTooLongLine) { // go-smtp's own line cap (2,000 bytes)
		return &loginError{err: &probeError{kind: KindProtocol, err: errLineTooLong,
			msg: "line too long: the server sent a reply line longer than go-smtp's limit"}}
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		r := replyOf(err)
		return &loginError{reply: &r, err: err}
	}
	return &loginError{err: err}
}
