package probetest

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The mail server tests use pairs of addresses in 127.0.10.0/24 (the first
// free pair: a concurrent "go test" run may hold one); other tests in this
// package must pick other addresses.
func mailTestAddrPair(i int) []string {
	return []string{fmt.Sprintf("127.0.10.%d", 10*i+1), fmt.Sprintf("127.0.10.%d", 10*i+2)}
}

const mailTestHost = "mail.example.test"

var (
	mailAlice = MailUser{Address: "alice@example.test", Password: "s3cret: with space"}
	mailBob   = MailUser{Address: "bob@example.org", Password: "hunter2!"}
)

type mailTestWorld struct {
	m      *MailServers
	dir    string
	addrs  []string
	unused string // an address near addrs where nothing may listen
	tls    *tls.Config
}

// mailTestCert writes a certificate for the test host names into dir and
// returns its files and a client config trusting it.
func mailTestCert(t *testing.T, dir string) (certFile, keyFile string, cfg *tls.Config) {
	t.Helper()
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(LeafOptions{}, mailTestHost, "imap.example.test", "smtp.example.test", "mail.example.org")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err = leaf.WriteFiles(dir, "mail")
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, &tls.Config{RootCAs: ca.Pool(), ServerName: mailTestHost}
}

// startMailTestWorld starts the servers on the first free address pair.
func startMailTestWorld(t *testing.T, dirName string) *mailTestWorld {
	t.Helper()
	RequireMailServers(t)
	tmp := t.TempDir()
	certFile, keyFile, tlsConf := mailTestCert(t, tmp)
	for i := 0; i < 10; i++ {
		w := &mailTestWorld{
			dir:    filepath.Join(tmp, fmt.Sprintf("%s%d", dirName, i)),
			addrs:  mailTestAddrPair(i),
			unused: fmt.Sprintf("127.0.10.%d", 10*i+3),
			tls:    tlsConf,
		}
		start := time.Now()
		var err error
		w.m, err = StartMailServers(MailServerOptions{
			Dir:      w.dir,
			Addrs:    w.addrs,
			CertFile: certFile,
			KeyFile:  keyFile,
			Users:    []MailUser{mailAlice, mailBob},
		})
		if errors.Is(err, ErrMailAddrInUse) {
			t.Logf("addresses %v taken, trying the next ones: %v", w.addrs, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("mail servers started on %v in %v", w.addrs, time.Since(start).Round(time.Millisecond))
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("dovecot log:\n%s\npostfix log:\n%s", mailTail(w.m.DovecotLog(), 100), mailTail(w.m.PostfixLog(), 100))
			}
			if err := w.m.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return w
	}
	t.Fatal("no free address pair in 127.0.10.0/24")
	return nil
}

// mailLineConn is a line-oriented client for IMAP and POP3.
type mailLineConn struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
	tag  int
}

func newMailLineConn(t *testing.T, c net.Conn) *mailLineConn {
	// A generous deadline only so a broken server cannot hang the test.
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return &mailLineConn{t: t, conn: c, tp: textproto.NewConn(c)}
}

func (c *mailLineConn) line() string {
	c.t.Helper()
	l, err := c.tp.ReadLine()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return l
}

// imap sends a tagged command and returns the untagged lines and the tagged
// completion (without the tag).
func (c *mailLineConn) imap(format string, args ...any) (untagged []string, done string) {
	c.t.Helper()
	c.tag++
	tag := "a" + strconv.Itoa(c.tag)
	if err := c.tp.PrintfLine(tag+" "+format, args...); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	for {
		l := c.line()
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			return untagged, rest
		}
		untagged = append(untagged, l)
	}
}

func (c *mailLineConn) pop(format string, args ...any) string {
	c.t.Helper()
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	return c.line()
}

// startTLS upgrades the connection after the server agreed to STARTTLS/STLS.
func (c *mailLineConn) startTLS(cfg *tls.Config) {
	c.t.Helper()
	tc := tls.Client(c.conn, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake after STARTTLS: %v", err)
	}
	c.conn = tc
	c.tp = textproto.NewConn(tc)
}

func imapQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func mailDial(t *testing.T, addr string, port int) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mailDialTLS(t *testing.T, cfg *tls.Config, addr string, port int) net.Conn {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)), cfg)
	if err != nil {
		t.Fatalf("TLS to %s:%d: %v", addr, port, err)
	}
	return c
}

func imapLogin(t *testing.T, c *mailLineConn, u MailUser) {
	t.Helper()
	if _, done := c.imap("LOGIN %s %s", imapQuote(u.Address), imapQuote(u.Password)); !strings.HasPrefix(done, "OK") {
		t.Fatalf("LOGIN %s: %s", u.Address, done)
	}
}

func smtpClient(t *testing.T, c net.Conn) *smtp.Client {
	t.Helper()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	sc, err := smtp.NewClient(c, mailTestHost)
	if err != nil {
		t.Fatalf("SMTP greeting: %v", err)
	}
	if err := sc.Hello("client.example.test"); err != nil {
		t.Fatalf("EHLO: %v", err)
	}
	return sc
}

func TestMailServers(t *testing.T) {
	w := startMailTestWorld(t, "servers")

	for _, addr := range w.addrs {
		t.Run("imaps/"+addr, func(t *testing.T) {
			c := newMailLineConn(t, mailDialTLS(t, w.tls, addr, 993))
			defer c.conn.Close()
			if g := c.line(); !strings.HasPrefix(g, "* OK") {
				t.Fatalf("greeting %q", g)
			}
			if _, done := c.imap("LOGIN %s %s", imapQuote(mailAlice.Address), imapQuote("wrong")); !strings.HasPrefix(done, "NO") {
				t.Errorf("LOGIN with a wrong password: %q, want NO", done)
			}
			imapLogin(t, c, mailAlice)
			if _, done := c.imap("SELECT INBOX"); !strings.HasPrefix(done, "OK") {
				t.Errorf("SELECT INBOX: %s", done)
			}
			c.imap("LOGOUT")
		})
		t.Run("imap-starttls/"+addr, func(t *testing.T) {
			c := newMailLineConn(t, mailDial(t, addr, 143))
			defer c.conn.Close()
			if g := c.line(); !strings.HasPrefix(g, "* OK") {
				t.Fatalf("greeting %q", g)
			}
			caps, _ := c.imap("CAPABILITY")
			if cs := strings.Join(caps, " "); !strings.Contains(cs, "STARTTLS") || !strings.Contains(cs, "LOGINDISABLED") {
				t.Errorf("capabilities before STARTTLS %q, want STARTTLS and LOGINDISABLED", cs)
			}
			if _, done := c.imap("LOGIN %s %s", imapQuote(mailAlice.Address), imapQuote(mailAlice.Password)); strings.HasPrefix(done, "OK") {
				t.Errorf("LOGIN in the clear succeeded: %s", done)
			}
			if _, done := c.imap("STARTTLS"); !strings.HasPrefix(done, "OK") {
				t.Fatalf("STARTTLS: %s", done)
			}
			c.startTLS(w.tls)
			imapLogin(t, c, mailAlice)
			c.imap("LOGOUT")
		})
		t.Run("pop3s/"+addr, func(t *testing.T) {
			c := newMailLineConn(t, mailDialTLS(t, w.tls, addr, 995))
			defer c.conn.Close()
			if g := c.line(); !strings.HasPrefix(g, "+OK") {
				t.Fatalf("greeting %q", g)
			}
			if r := c.pop("USER %s", mailBob.Address); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("USER: %s", r)
			}
			if r := c.pop("PASS %s", mailBob.Password); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("PASS: %s", r)
			}
			if r := c.pop("STAT"); !strings.HasPrefix(r, "+OK") {
				t.Errorf("STAT: %s", r)
			}
			c.pop("QUIT")
		})
		t.Run("pop3-stls/"+addr, func(t *testing.T) {
			c := newMailLineConn(t, mailDial(t, addr, 110))
			defer c.conn.Close()
			if g := c.line(); !strings.HasPrefix(g, "+OK") {
				t.Fatalf("greeting %q", g)
			}
			if r := c.pop("CAPA"); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("CAPA: %s", r)
			}
			capa, err := c.tp.ReadDotLines()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(capa, " "), "STLS") {
				t.Errorf("CAPA %q lacks STLS", capa)
			}
			if r := c.pop("USER %s", mailAlice.Address); !strings.HasPrefix(r, "-ERR") {
				t.Errorf("USER in the clear: %q, want -ERR", r)
			}
			if r := c.pop("STLS"); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("STLS: %s", r)
			}
			c.startTLS(w.tls)
			if r := c.pop("USER %s", mailAlice.Address); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("USER: %s", r)
			}
			if r := c.pop("PASS %s", mailAlice.Password); !strings.HasPrefix(r, "+OK") {
				t.Fatalf("PASS: %s", r)
			}
			c.pop("QUIT")
		})
		t.Run("submission/"+addr, func(t *testing.T) {
			sc := smtpClient(t, mailDial(t, addr, 587))
			defer sc.Close()
			if ok, _ := sc.Extension("AUTH"); ok {
				t.Errorf("AUTH offered before STARTTLS")
			}
			if ok, _ := sc.Extension("STARTTLS"); !ok {
				t.Fatalf("STARTTLS not offered")
			}
			// Try anyway: the server must refuse.
			ir := base64.StdEncoding.EncodeToString([]byte("\x00" + mailAlice.Address + "\x00" + mailAlice.Password))
			id, err := sc.Text.Cmd("AUTH PLAIN %s", ir)
			if err != nil {
				t.Fatal(err)
			}
			sc.Text.StartResponse(id)
			code, msg, _ := sc.Text.ReadResponse(0)
			sc.Text.EndResponse(id)
			if code/100 != 5 {
				t.Errorf("AUTH before STARTTLS: %d %s, want 5xx", code, msg)
			}
			if err := sc.Mail(mailAlice.Address); err == nil {
				t.Errorf("MAIL FROM before STARTTLS accepted")
			}
			if err := sc.StartTLS(w.tls); err != nil {
				t.Fatalf("STARTTLS: %v", err)
			}
			if ok, mechs := sc.Extension("AUTH"); !ok || !strings.Contains(mechs, "PLAIN") {
				t.Fatalf("AUTH after STARTTLS: %v %q", ok, mechs)
			}
			if err := sc.Auth(smtp.PlainAuth("", mailAlice.Address, mailAlice.Password, mailTestHost)); err != nil {
				t.Fatalf("AUTH PLAIN: %v", err)
			}
			sc.Quit()
		})
		t.Run("submission-wrong-password/"+addr, func(t *testing.T) {
			sc := smtpClient(t, mailDial(t, addr, 587))
			defer sc.Close()
			if err := sc.StartTLS(w.tls); err != nil {
				t.Fatalf("STARTTLS: %v", err)
			}
			err := sc.Auth(smtp.PlainAuth("", mailAlice.Address, "wrong", mailTestHost))
			if err == nil || !strings.HasPrefix(err.Error(), "535") {
				t.Fatalf("AUTH with a wrong password: %v, want 535", err)
			}
		})
		t.Run("submissions/"+addr, func(t *testing.T) {
			sc := smtpClient(t, mailDialTLS(t, w.tls, addr, 465))
			defer sc.Close()
			if err := sc.Auth(smtp.PlainAuth("", mailBob.Address, mailBob.Password, mailTestHost)); err != nil {
				t.Fatalf("AUTH PLAIN: %v", err)
			}
			sc.Quit()
		})
		t.Run("smtp/"+addr, func(t *testing.T) {
			sc := smtpClient(t, mailDial(t, addr, 25))
			defer sc.Close()
			if ok, _ := sc.Extension("STARTTLS"); !ok {
				t.Errorf("port 25 does not offer STARTTLS")
			}
			if err := sc.StartTLS(w.tls); err != nil {
				t.Fatalf("STARTTLS: %v", err)
			}
			sc.Quit()
		})
	}

	t.Run("only-the-given-addresses", func(t *testing.T) {
		for _, p := range mailAllPorts() {
			if mailDialOK(w.unused, p) {
				t.Errorf("%s:%d accepts connections: something bound a wildcard address", w.unused, p)
			}
		}
	})

	t.Run("round-trip", func(t *testing.T) {
		mailRoundTrip(t, w, w.addrs[0], mailAlice, mailBob)
	})

	t.Run("stop-start-postfix", func(t *testing.T) {
		if err := w.m.StopPostfix(); err != nil {
			t.Fatal(err)
		}
		for _, addr := range w.addrs {
			for _, p := range PostfixPorts {
				if c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(p)), 5*time.Second); err == nil {
					c.Close()
					t.Errorf("%s:%d accepts connections with Postfix stopped", addr, p)
				}
			}
			// Dovecot is not affected.
			c := mailDialTLS(t, w.tls, addr, 993)
			c.Close()
		}
		if err := w.m.StartPostfix(); err != nil {
			t.Fatal(err)
		}
		sc := smtpClient(t, mailDialTLS(t, w.tls, w.addrs[1], 465))
		if err := sc.Auth(smtp.PlainAuth("", mailAlice.Address, mailAlice.Password, mailTestHost)); err != nil {
			t.Fatalf("AUTH after restart: %v", err)
		}
		sc.Quit()
		// The queue survives the restart: mail still flows.
		mailRoundTrip(t, w, w.addrs[1], mailBob, mailAlice)
	})

	t.Run("close", func(t *testing.T) {
		if err := w.m.Close(); err != nil {
			t.Fatal(err)
		}
		if left := w.m.Processes(); len(left) > 0 {
			t.Errorf("processes left after Close:\n%s", strings.Join(left, "\n"))
		}
		for _, addr := range w.addrs {
			for _, p := range mailAllPorts() {
				if mailDialOK(addr, p) {
					t.Errorf("%s:%d still accepts connections after Close", addr, p)
				}
			}
		}
		if err := w.m.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// mailRoundTrip sends a message from one user to another through
// submission on addr and reads it back over IMAP.
func mailRoundTrip(t *testing.T, w *mailTestWorld, addr string, from, to MailUser) {
	t.Helper()
	token := fmt.Sprintf("postino-round-trip-%d", time.Now().UnixNano())
	sc := smtpClient(t, mailDial(t, addr, 587))
	defer sc.Close()
	if err := sc.StartTLS(w.tls); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	if err := sc.Auth(smtp.PlainAuth("", from.Address, from.Password, mailTestHost)); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	if err := sc.Mail(from.Address); err != nil {
		t.Fatalf("MAIL FROM: %v", err)
	}
	if err := sc.Rcpt(to.Address); err != nil {
		t.Fatalf("RCPT TO: %v", err)
	}
	wc, err := sc.Data()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	fmt.Fprintf(wc, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@example.test>\r\n\r\nHello from the postino tests.\r\n", from.Address, to.Address, token, token)
	if err := wc.Close(); err != nil {
		t.Fatalf("end of DATA: %v", err)
	}
	sc.Quit()

	c := newMailLineConn(t, mailDialTLS(t, w.tls, addr, 993))
	defer c.conn.Close()
	c.line()
	imapLogin(t, c, to)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, done := c.imap("SELECT INBOX"); !strings.HasPrefix(done, "OK") {
			t.Fatalf("SELECT: %s", done)
		}
		lines, done := c.imap("SEARCH SUBJECT %s", imapQuote(token))
		if !strings.HasPrefix(done, "OK") {
			t.Fatalf("SEARCH: %s", done)
		}
		var found string
		for _, l := range lines {
			if n, ok := strings.CutPrefix(l, "* SEARCH "); ok {
				found = strings.Fields(n)[0]
			}
		}
		if found != "" {
			lines, done := c.imap("FETCH %s BODY.PEEK[]", found)
			if !strings.HasPrefix(done, "OK") || !strings.Contains(strings.Join(lines, "\n"), "Hello from the postino tests.") {
				t.Fatalf("FETCH: %s\n%s", done, strings.Join(lines, "\n"))
			}
			c.imap("LOGOUT")
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s not delivered to %s; postfix log:\n%s", token, to.Address, mailTail(w.m.PostfixLog(), 30))
		}
		c.imap("CLOSE")
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMailServerOptionsCheck(t *testing.T) {
	good := MailServerOptions{Dir: "/tmp/x", Addrs: []string{"127.0.10.1"}, CertFile: "/c", KeyFile: "/k", Users: []MailUser{mailAlice}}
	if err := good.check(); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for name, mod := range map[string]func(*MailServerOptions){
		"no dir":          func(o *MailServerOptions) { o.Dir = "" },
		"no addrs":        func(o *MailServerOptions) { o.Addrs = nil },
		"public address":  func(o *MailServerOptions) { o.Addrs = []string{"192.0.2.1"} },
		"wildcard":        func(o *MailServerOptions) { o.Addrs = []string{"0.0.0.0"} },
		"ipv6":            func(o *MailServerOptions) { o.Addrs = []string{"::1"} },
		"no cert":         func(o *MailServerOptions) { o.CertFile = "" },
		"bad address":     func(o *MailServerOptions) { o.Users = []MailUser{{Address: "alice", Password: "x"}} },
		"colon in user":   func(o *MailServerOptions) { o.Users = []MailUser{{Address: "a:b@example.test", Password: "x"}} },
		"newline in pass": func(o *MailServerOptions) { o.Users = []MailUser{{Address: "a@example.test", Password: "x\ny"}} },
		"duplicate user":  func(o *MailServerOptions) { o.Users = []MailUser{mailAlice, mailAlice} },
		"bad hostname":    func(o *MailServerOptions) { o.Hostname = "mail example" },
	} {
		o := good
		mod(&o)
		if err := o.check(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A Dir whose path the configurations cannot hold as it is (a comma splits
// Postfix lists, $ expands) works through an alias. Also StartMailServersT.
func TestMailServersOddDir(t *testing.T) {
	RequireMailServers(t)
	tmp := t.TempDir()
	certFile, keyFile, tlsConf := mailTestCert(t, tmp)
	var addrs []string
	for i := 0; i < 10 && addrs == nil; i++ {
		addrs = mailTestAddrPair(i)
		for _, a := range addrs {
			for _, p := range mailAllPorts() {
				if mailDialOK(a, p) {
					addrs = nil
				}
			}
		}
	}
	if addrs == nil {
		t.Fatal("no free address pair in 127.0.10.0/24")
	}
	m := StartMailServersT(t, MailServerOptions{
		Dir:      filepath.Join(tmp, "odd,dir $x"),
		Addrs:    addrs,
		CertFile: certFile,
		KeyFile:  keyFile,
		Users:    []MailUser{mailAlice, mailBob},
	})
	w := &mailTestWorld{m: m, dir: m.Dir(), addrs: addrs, tls: tlsConf}
	c := newMailLineConn(t, mailDialTLS(t, w.tls, addrs[0], 993))
	defer c.conn.Close()
	c.line()
	imapLogin(t, c, mailBob)
	c.imap("LOGOUT")
	mailRoundTrip(t, w, addrs[1], mailBob, mailAlice)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if left := m.Processes(); len(left) > 0 {
		t.Errorf("processes left after Close:\n%s", strings.Join(left, "\n"))
	}
}

func TestMailServersRefuseTakenAddress(t *testing.T) {
	RequireMailServers(t)
	ln, err := net.Listen("tcp", "127.0.10.250:110")
	if err != nil {
		t.Skipf("cannot listen on 127.0.10.250:110 (%v)", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dir := t.TempDir()
	_, err = StartMailServers(MailServerOptions{Dir: filepath.Join(dir, "s"), Addrs: []string{"127.0.10.250"},
		CertFile: filepath.Join(dir, "c.pem"), KeyFile: filepath.Join(dir, "k.pem"), Users: []MailUser{mailAlice}})
	if !errors.Is(err, ErrMailAddrInUse) || !strings.Contains(err.Error(), "127.0.10.250:110") {
		t.Fatalf("err = %v, want ErrMailAddrInUse naming 127.0.10.250:110", err)
	}
}

func TestMailServersMissingCert(t *testing.T) {
	RequireMailServers(t)
	dir := t.TempDir()
	_, err := StartMailServers(MailServerOptions{Dir: filepath.Join(dir, "s"), Addrs: []string{"127.0.10.251"},
		CertFile: filepath.Join(dir, "nope.pem"), KeyFile: filepath.Join(dir, "nope.key"), Users: []MailUser{mailAlice}})
	if err == nil || !strings.Contains(err.Error(), "nope.pem") {
		t.Fatalf("err = %v, want one naming the missing certificate", err)
	}
}

// When Postfix cannot start, the error says why, from its log, and
// Dovecot, already running by then, is stopped.
func TestMailServersPostfixFailure(t *testing.T) {
	RequireMailServers(t)
	const addr = "127.0.10.252"
	for _, p := range mailAllPorts() {
		if mailDialOK(addr, p) {
			t.Skipf("%s:%d is taken (a concurrent test run?)", addr, p)
		}
	}
	dir := t.TempDir()
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(LeafOptions{}, mailTestHost)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := leaf.WriteFiles(dir, "mail")
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	var dovecotLog string
	mailHookBeforePostfix = func(m *MailServers) {
		dovecotLog = m.DovecotLog()
		ln, err = net.Listen("tcp", addr+":465")
		if err != nil {
			t.Errorf("taking %s:465: %v", addr, err)
		}
		// Connections to it succeed, which must not pass for Postfix.
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
	}
	defer func() { mailHookBeforePostfix = nil }()
	_, err = StartMailServers(MailServerOptions{Dir: filepath.Join(dir, "s"), Addrs: []string{addr},
		CertFile: certFile, KeyFile: keyFile, Users: []MailUser{mailAlice}})
	if ln != nil {
		ln.Close()
	}
	if err == nil {
		t.Fatal("started with port 465 taken")
	}
	t.Logf("the error:\n%v", err)
	if !errors.Is(err, ErrMailAddrInUse) || !strings.Contains(err.Error(), "465") {
		t.Errorf("err does not wrap ErrMailAddrInUse or does not name port 465")
	}
	if dovecotLog == "" {
		t.Fatal("Dovecot did not start")
	}
	for _, p := range mailProcs() {
		if strings.Contains(p.cmdline, dir) {
			t.Errorf("left running: %d %s", p.pid, p.cmdline)
		}
	}
	for _, p := range DovecotPorts {
		if mailDialOK(addr, p) {
			t.Errorf("%s:%d still accepts connections", addr, p)
		}
	}
}
