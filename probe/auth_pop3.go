package probe

import (
	"errors"
	"fmt"
	"net"
	"strings"

	pop3 "github.com/knadh/go-pop3"
)

// pop3Lib is a go-pop3 session on a handed-over connection.
type pop3Lib struct {
	c    *pop3.Conn
	mech string
}

func (l *pop3Lib) mechanism() string { return l.mech }

func (l *pop3Lib) close() { l.c.Quit() }

// connDialer hands go-pop3 a connection that is already open, through its
// Dialer hook, so our deadlines and TLS apply. TLSEnabled stays off: the
// TLS is ours.
type connDialer struct{ c net.Conn }

func (d connDialer) Dial(string, string) (net.Conn, error) {
	if d.c == nil {
		return nil, errors.New("probe: connection already used")
	}
	return d.c, nil
}

// pop3Session opens go-pop3 on conn.
func pop3Session(ss *session, conn net.Conn) (*pop3.Conn, error) {
	cl := pop3.New(pop3.Opt{Host: ss.host, Port: ss.srv.Port, Dialer: connDialer{conn}})
	return cl.NewConn()
}

// pop3Login logs in with USER and PASS (RFC 1939), or with AUTH XOAUTH2 or
// OAUTHBEARER (RFC 5034) for a token, which go-pop3 cannot do itself.
func pop3Login(ss *session, conn net.Conn, cr *Credentials) (library, error) {
	pc, err := pop3Session(ss, conn)
	if err != nil {
		return nil, &loginError{err: err}
	}
	l := &pop3Lib{c: pc}
	if cr.OAuth2Token != "" {
		mechs := newDialog(ss.srv.Protocol).mechanisms(ss.res.Capabilities)
		mech, client := saslFor(cr, mechs, ss.host, ss.srv.Port)
		if client == nil {
			return l, fmt.Errorf("%w: the server offers SASL %v", errNoMechanism, mechs)
		}
		l.mech = mech
		_, ir, _ := client.Start()
		if err := pc.Send("AUTH " + mech + " " + b64(string(ir))); err != nil {
			return l, pop3Err(err)
		}
		_, err := pc.ReadOne()
		if err != nil && strings.HasPrefix(err.Error(), "unknown response: +") {
			// A SASL error challenge (RFC 7628 section 3.2.2): answer
			// empty, the final -ERR follows.
			if err = pc.Send(""); err == nil {
				_, err = pc.ReadOne()
			}
		}
		if err != nil {
			return l, pop3Err(err)
		}
		return l, nil
	}
	l.mech = "USER/PASS"
	if err := pc.User(cr.Username); err != nil {
		return l, pop3Err(err)
	}
	if err := pc.Pass(cr.Password); err != nil {
		return l, pop3Err(err)
	}
	return l, nil
}

// pop3Err: go-pop3 returns the text after -ERR as a plain error; network
// errors are *net.OpError or io errors.
func pop3Err(err error) error {
	var ne net.Error
	if errors.As(err, &ne) || strings.Contains(err.Error(), "EOF") {
		return &loginError{err: err}
	}
	if said, ok := strings.CutPrefix(err.Error(), "unknown response: "); ok {
		// Neither +OK nor -ERR (or a line cut at go-pop3's 4 KiB
		// buffer): not the server's answer to the login.
		said = strings.TrimSuffix(said, ". Neither -ERR, nor +OK")
		return &loginError{err: failf(KindProtocol, "not a POP3 reply: %s", quote(said))}
	}
	r := authReply{text: err.Error()}
	return &loginError{reply: &r, err: err}
}
