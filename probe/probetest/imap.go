package probetest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPOptions configure an in-process IMAP server.
type IMAPOptions struct {
	// Addr to listen on; empty means 127.0.0.1 on a free port.
	Addr string
	// TLS is how the server offers TLS; StartTLS and ImplicitTLS need
	// TLSConfig (for example Leaf.TLSConfig()).
	TLS       TLSMode
	TLSConfig *tls.Config
	// InsecureAuth lets clients log in before TLS: the server then lists
	// AUTH=PLAIN and no LOGINDISABLED in plain text.
	InsecureAuth bool
	// Users maps login names to passwords; each user has an INBOX.
	Users map[string]string
}

// IMAPServer is go-imap v2's server with its in-memory backend.
type IMAPServer struct {
	// Addr is the address the server listens on.
	Addr string
	// Mem is the backend, for adding users and mailboxes.
	Mem *imapmemserver.Server

	srv *imapserver.Server
	ln  net.Listener
}

// NewIMAPServer starts an IMAP server. Close stops it.
func NewIMAPServer(o IMAPOptions) (*IMAPServer, error) {
	ln, err := listen(o.Addr, o.TLS, o.TLSConfig)
	if err != nil {
		return nil, err
	}
	mem := imapmemserver.New()
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: o.InsecureAuth,
		Logger:       log.New(io.Discard, "", 0),
	}
	if o.TLS == StartTLS {
		opts.TLSConfig = o.TLSConfig
	}
	s := &IMAPServer{Addr: ln.Addr().String(), Mem: mem, srv: imapserver.New(opts), ln: ln}
	for name, pass := range o.Users {
		s.AddUser(name, pass)
	}
	go s.srv.Serve(ln)
	return s, nil
}

// StartIMAP starts an IMAP server for the test and stops it at its end.
func StartIMAP(t testing.TB, o IMAPOptions) *IMAPServer {
	t.Helper()
	s, err := NewIMAPServer(o)
	return tbServer(t, s, err)
}

// AddUser adds a user with an empty INBOX.
func (s *IMAPServer) AddUser(name, password string) {
	u := imapmemserver.NewUser(name, password)
	u.Create("INBOX", nil)
	s.Mem.AddUser(u)
}

// Port is the port the server listens on.
func (s *IMAPServer) Port() int { return portOf(s.Addr) }

// Close stops the server and closes every connection.
func (s *IMAPServer) Close() error {
	err := s.srv.Close()
	s.ln.Close() // in case Serve had not registered it yet
	return err
}
