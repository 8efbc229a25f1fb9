package probetest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// POP3Options configure the in-process POP3 server.
type POP3Options struct {
	// Addr to listen on; empty means 127.0.0.1 on a free port.
	Addr string
	// TLS is how the server offers TLS; StartTLS and ImplicitTLS need
	// TLSConfig.
	TLS       TLSMode
	TLSConfig *tls.Config
	// Users maps login names to passwords (USER/PASS and AUTH PLAIN).
	Users map[string]string
	// Messages are the mailbox every user sees, as RFC 5322 text.
	Messages []string
	// PlaintextAuth allows and lists USER and SASL PLAIN before TLS.
	PlaintextAuth bool
	// HideSTLS leaves STLS out of CAPA although it works.
	HideSTLS bool
	// RefuseSTLS lists STLS but answers it with -ERR.
	RefuseSTLS bool
	// NoCAPA answers CAPA with -ERR, like a server from before RFC 2449.
	NoCAPA bool
	// Greeting replaces the "+OK …" greeting line.
	Greeting string
}

// POP3Server is a small scripted POP3 server (RFC 1939, CAPA from RFC 2449,
// STLS from RFC 2595, AUTH PLAIN from RFC 5034) over an in-memory mailbox.
type POP3Server struct {
	*ConnServer

	o       POP3Options
	mu      sync.Mutex
	users   map[string]string
	msgs    []pop3Msg
	nextUID int
}

type pop3Msg struct {
	uid  string
	body string // CRLF line ends
}

// NewPOP3Server starts a POP3 server. Close stops it.
func NewPOP3Server(o POP3Options) (*POP3Server, error) {
	ln, err := listen(o.Addr, o.TLS, o.TLSConfig)
	if err != nil {
		return nil, err
	}
	s := &POP3Server{o: o, users: map[string]string{}}
	for u, p := range o.Users {
		s.users[u] = p
	}
	for _, m := range o.Messages {
		s.Deliver(m)
	}
	s.ConnServer = Serve(ln, s.handle)
	return s, nil
}

// StartPOP3 starts a POP3 server for the test and stops it at its end.
func StartPOP3(t testing.TB, o POP3Options) *POP3Server {
	t.Helper()
	s, err := NewPOP3Server(o)
	return tbServer(t, s, err)
}

// Deliver adds a message to the mailbox.
func (s *POP3Server) Deliver(msg string) {
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\n", "\r\n")
	if !strings.HasSuffix(msg, "\r\n") {
		msg += "\r\n"
	}
	s.mu.Lock()
	s.nextUID++
	s.msgs = append(s.msgs, pop3Msg{uid: fmt.Sprintf("uid%04d", s.nextUID), body: msg})
	s.mu.Unlock()
}

// Messages returns the messages in the mailbox, CRLF line ends.
func (s *POP3Server) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.msgs {
		out = append(out, m.body)
	}
	return out
}

// pop3Conn is one client's session.
type pop3Conn struct {
	s     *POP3Server
	c     net.Conn
	r     *bufio.Reader
	tls   bool
	user  string
	authd bool
	box   []pop3Msg
	dele  map[int]bool
}

func (s *POP3Server) handle(c net.Conn) {
	_, isTLS := c.(*tls.Conn)
	pc := &pop3Conn{s: s, c: c, r: bufio.NewReader(c), tls: isTLS, dele: map[int]bool{}}
	pc.run()
}

func (pc *pop3Conn) write(lines ...string) bool {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	_, err := pc.c.Write(b.Bytes())
	return err == nil
}

func (pc *pop3Conn) readLine() (string, bool) {
	line, err := pc.r.ReadString('\n')
	if err != nil || len(line) > 1024 {
		return "", false
	}
	return strings.TrimRight(line, "\r\n"), true
}

func (pc *pop3Conn) authAllowed() bool { return pc.tls || pc.s.o.PlaintextAuth }

func (pc *pop3Conn) run() {
	greeting := pc.s.o.Greeting
	if greeting == "" {
		greeting = "+OK postino test POP3 server ready <1896.697170952@postino.test>"
	}
	if !pc.write(greeting) {
		return
	}
	for {
		line, ok := pc.readLine()
		if !ok {
			return
		}
		cmd, arg, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		if !pc.authd {
			switch cmd {
			case "CAPA", "STLS", "USER", "PASS", "AUTH", "QUIT", "NOOP":
			default:
				pc.write("-ERR unknown command in AUTHORIZATION state")
				continue
			}
		}
		var more bool
		switch cmd {
		case "CAPA":
			more = pc.capa()
		case "STLS":
			more = pc.stls()
		case "USER":
			if !pc.authAllowed() {
				more = pc.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections")
			} else {
				pc.user = arg
				more = pc.write("+OK")
			}
		case "PASS":
			more = pc.login(pc.user, arg)
		case "AUTH":
			more = pc.auth(arg)
		case "STAT":
			n, size := 0, 0
			for i, m := range pc.box {
				if !pc.dele[i] {
					n++
					size += len(m.body)
				}
			}
			more = pc.write(fmt.Sprintf("+OK %d %d", n, size))
		case "LIST", "UIDL":
			more = pc.list(cmd, arg)
		case "RETR", "TOP":
			more = pc.retr(cmd, arg)
		case "DELE":
			if i, ok := pc.msg(arg); ok {
				pc.dele[i] = true
				more = pc.write("+OK message deleted")
			} else {
				more = pc.write("-ERR no such message")
			}
		case "RSET":
			pc.dele = map[int]bool{}
			more = pc.write("+OK")
		case "NOOP":
			more = pc.write("+OK")
		case "QUIT":
			pc.commit()
			pc.write("+OK bye")
			return
		default:
			more = pc.write("-ERR unknown command")
		}
		if !more {
			return
		}
	}
}

func (pc *pop3Conn) capa() bool {
	if pc.s.o.NoCAPA {
		return pc.write("-ERR unknown command")
	}
	lines := []string{"+OK capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE"}
	if !pc.tls && pc.s.o.TLS == StartTLS && !pc.s.o.HideSTLS && !pc.authd {
		lines = append(lines, "STLS")
	}
	if pc.authAllowed() && !pc.authd {
		lines = append(lines, "USER", "SASL PLAIN")
	}
	lines = append(lines, "IMPLEMENTATION postino-probetest", ".")
	return pc.write(lines...)
}

func (pc *pop3Conn) stls() bool {
	switch {
	case pc.tls || pc.authd:
		return pc.write("-ERR already secured or authenticated")
	case pc.s.o.TLS != StartTLS || pc.s.o.RefuseSTLS:
		return pc.write("-ERR STLS not available")
	}
	if !pc.write("+OK begin TLS negotiation") {
		return false
	}
	tc := tls.Server(pc.c, pc.s.o.TLSConfig)
	if err := tc.Handshake(); err != nil {
		return false
	}
	pc.c, pc.r, pc.tls = tc, bufio.NewReader(tc), true
	return true
}

func (pc *pop3Conn) login(user, pass string) bool {
	if !pc.authAllowed() {
		return pc.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections")
	}
	pc.s.mu.Lock()
	want, ok := pc.s.users[user]
	box := append([]pop3Msg(nil), pc.s.msgs...)
	pc.s.mu.Unlock()
	if user == "" || !ok || want != pass {
		return pc.write("-ERR [AUTH] Authentication failed")
	}
	pc.user, pc.authd, pc.box = user, true, box
	return pc.write("+OK logged in")
}

func (pc *pop3Conn) auth(arg string) bool {
	mech, ir, _ := strings.Cut(arg, " ")
	switch {
	case mech == "":
		return pc.write("+OK", "PLAIN", ".")
	case !strings.EqualFold(mech, "PLAIN"):
		return pc.write("-ERR unsupported mechanism")
	case !pc.authAllowed():
		return pc.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections")
	}
	if ir == "" {
		if !pc.write("+ ") {
			return false
		}
		var ok bool
		if ir, ok = pc.readLine(); !ok {
			return false
		}
	}
	b, err := base64.StdEncoding.DecodeString(ir)
	parts := strings.Split(string(b), "\x00")
	if err != nil || len(parts) != 3 || (parts[0] != "" && parts[0] != parts[1]) {
		return pc.write("-ERR [AUTH] Authentication failed")
	}
	return pc.login(parts[1], parts[2])
}

// msg parses a message number, which must name a message not deleted.
func (pc *pop3Conn) msg(arg string) (int, bool) {
	n, err := strconv.Atoi(strings.Fields(arg + " x")[0])
	if err != nil || n < 1 || n > len(pc.box) || pc.dele[n-1] {
		return 0, false
	}
	return n - 1, true
}

func (pc *pop3Conn) list(cmd, arg string) bool {
	item := func(i int) string {
		if cmd == "UIDL" {
			return fmt.Sprintf("%d %s", i+1, pc.box[i].uid)
		}
		return fmt.Sprintf("%d %d", i+1, len(pc.box[i].body))
	}
	if arg != "" {
		i, ok := pc.msg(arg)
		if !ok {
			return pc.write("-ERR no such message")
		}
		return pc.write("+OK " + item(i))
	}
	lines := []string{"+OK"}
	for i := range pc.box {
		if !pc.dele[i] {
			lines = append(lines, item(i))
		}
	}
	return pc.write(append(lines, ".")...)
}

func (pc *pop3Conn) retr(cmd, arg string) bool {
	i, ok := pc.msg(arg)
	if !ok {
		return pc.write("-ERR no such message")
	}
	body := strings.Split(strings.TrimSuffix(pc.box[i].body, "\r\n"), "\r\n")
	if cmd == "TOP" {
		f := strings.Fields(arg)
		n := -1
		if len(f) == 2 {
			n, _ = strconv.Atoi(f[1])
		}
		if n < 0 {
			return pc.write("-ERR usage: TOP msg n")
		}
		for h, l := range body {
			if l == "" {
				body = body[:min(len(body), h+1+n)]
				break
			}
		}
	}
	lines := []string{"+OK message follows"}
	for _, l := range body {
		if strings.HasPrefix(l, ".") {
			l = "." + l // dot-stuffing, RFC 1939 section 3
		}
		lines = append(lines, l)
	}
	return pc.write(append(lines, ".")...)
}

// commit removes the messages deleted in this session (the UPDATE state).
func (pc *pop3Conn) commit() {
	if !pc.authd || len(pc.dele) == 0 {
		return
	}
	gone := map[string]bool{}
	for i := range pc.dele {
		gone[pc.box[i].uid] = true
	}
	pc.s.mu.Lock()
	defer pc.s.mu.Unlock()
	kept := pc.s.msgs[:0]
	for _, m := range pc.s.msgs {
		if !gone[m.uid] {
			kept = append(kept, m)
		}
	}
	pc.s.msgs = kept
}
