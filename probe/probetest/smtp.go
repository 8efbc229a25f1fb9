package probetest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configure an in-process SMTP submission server.
type SMTPOptions struct {
	// Addr to listen on; empty means 127.0.0.1 on a free port.
	Addr string
	// Domain is the name in the greeting; empty means "localhost".
	Domain string
	// TLS is how the server offers TLS; StartTLS and ImplicitTLS need
	// TLSConfig.
	TLS       TLSMode
	TLSConfig *tls.Config
	// AllowInsecureAuth offers AUTH before TLS, as a misconfigured
	// submission server does.
	AllowInsecureAuth bool
	// Users maps login names to passwords for AUTH PLAIN. Mail is accepted
	// only after a successful AUTH.
	Users map[string]string
}

// Mail is a message the SMTP server accepted.
type Mail struct {
	User string // who authenticated
	From string
	To   []string
	Data []byte
}

// SMTPServer is go-smtp's server with a tiny backend that keeps accepted
// mail in memory.
type SMTPServer struct {
	// Addr is the address the server listens on.
	Addr string

	srv   *smtp.Server
	ln    net.Listener
	mu    sync.Mutex
	users map[string]string
	mail  []Mail
}

// NewSMTPServer starts an SMTP server. Close stops it.
func NewSMTPServer(o SMTPOptions) (*SMTPServer, error) {
	ln, err := listen(o.Addr, o.TLS, o.TLSConfig)
	if err != nil {
		return nil, err
	}
	s := &SMTPServer{Addr: ln.Addr().String(), ln: ln, users: map[string]string{}}
	for u, p := range o.Users {
		s.users[u] = p
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s}, nil
	}))
	srv.Domain = o.Domain
	if srv.Domain == "" {
		srv.Domain = "localhost"
	}
	srv.AllowInsecureAuth = o.AllowInsecureAuth
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if o.TLS == StartTLS {
		srv.TLSConfig = o.TLSConfig
	}
	s.srv = srv
	go srv.Serve(ln)
	return s, nil
}

// StartSMTP starts an SMTP server for the test and stops it at its end.
func StartSMTP(t testing.TB, o SMTPOptions) *SMTPServer {
	t.Helper()
	s, err := NewSMTPServer(o)
	return tbServer(t, s, err)
}

// AddUser lets name log in with password.
func (s *SMTPServer) AddUser(name, password string) {
	s.mu.Lock()
	s.users[name] = password
	s.mu.Unlock()
}

// Messages returns the mail accepted so far.
func (s *SMTPServer) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Port is the port the server listens on.
func (s *SMTPServer) Port() int { return portOf(s.Addr) }

// Close stops the server and closes every connection.
func (s *SMTPServer) Close() error {
	err := s.srv.Close()
	s.ln.Close()
	return err
}

type smtpSession struct {
	s    *SMTPServer
	user string
	mail Mail
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.s.mu.Lock()
		want, ok := ss.s.users[username]
		ss.s.mu.Unlock()
		if !ok || want != password || (identity != "" && identity != username) {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.mail = Mail{User: ss.user, From: from}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.mail.To = append(ss.mail.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.mail.Data = b
	ss.s.mu.Lock()
	ss.s.mail = append(ss.s.mail, ss.mail)
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset() { ss.mail = Mail{} }

func (ss *smtpSession) Logout() error { return nil }
