package probe

import (
	"errors"
	"fmt"
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// imapLib is a go-imap client session on a handed-over connection.
type imapLib struct {
	c    *imapclient.Client
	mech string
}

func (l *imapLib) mechanism() string { return l.mech }

func (l *imapLib) close() {
	l.c.Logout().Wait()
	l.c.Close()
}

// imapLogin logs in with go-imap: AUTHENTICATE with the best SASL
// mechanism offered, else LOGIN unless the server announces LOGINDISABLED
// (which go-imap does not check).
func imapLogin(ss *session, conn net.Conn, cr *Credentials) (library, error) {
	c := imapclient.New(conn, nil)
	l := &imapLib{c: c}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, &loginError{err: err}
	}
	caps := c.Caps()
	mechs := caps.AuthMechanisms()
	mech, client := saslFor(cr, mechs, ss.host, ss.srv.Port)
	var err error
	switch {
	case client != nil:
		l.mech = mech
		err = c.Authenticate(client)
	case cr.OAuth2Token == "" && !caps.Has(imap.CapLoginDisabled):
		l.mech = "LOGIN"
		err = c.Login(cr.Username, cr.Password).Wait()
	default:
		return l, fmt.Errorf("%w: the server offers AUTH=%v%s", errNoMechanism, mechs, map[bool]string{true: " and LOGINDISABLED"}[caps.Has(imap.CapLoginDisabled)])
	}
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			r := replyOf(err)
			return l, &loginError{reply: &r, err: err}
		}
		return l, &loginError{err: err}
	}
	return l, nil
}
