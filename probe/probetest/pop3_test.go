package probetest

import (
	"bufio"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/knadh/go-pop3"
)

// The POP3 server against a real client library: the mailbox work after
// login that postino leaves to go-pop3.
func TestPOP3ServerWithGoPOP3(t *testing.T) {
	s := StartPOP3(t, POP3Options{
		Users:         map[string]string{"alice@example.test": "secret"},
		Messages:      []string{"Subject: one\n\nfirst\n.dot line\n", "Subject: two\n\nsecond\n"},
		PlaintextAuth: true,
	})
	c := pop3.New(pop3.Opt{Host: "127.0.0.1", Port: s.Port(), DialTimeout: 2 * time.Second})
	conn, err := c.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Auth("alice@example.test", "secret"); err != nil {
		t.Fatal(err)
	}
	n, _, err := conn.Stat()
	if err != nil || n != 2 {
		t.Fatalf("Stat() = %d, %v; want 2", n, err)
	}
	ids, err := conn.Uidl(0)
	if err != nil || len(ids) != 2 || ids[0].UID != "uid0001" {
		t.Fatalf("Uidl() = %+v, %v", ids, err)
	}
	// The server dot-stuffs (RFC 1939 section 3); go-pop3 v1.0.0 does not
	// undo it, so a round trip comparing bodies must.
	raw, err := conn.RetrRaw(1)
	if err != nil || raw.String() != "Subject: one\r\n\r\nfirst\r\n..dot line\r\n" {
		t.Fatalf("RetrRaw(1) = %q, %v", raw, err)
	}
	if err := conn.Dele(1); err != nil {
		t.Fatal(err)
	}
	if err := conn.Quit(); err != nil {
		t.Fatal(err)
	}
	if got := s.Messages(); len(got) != 1 || !strings.Contains(got[0], "second") {
		t.Errorf("after DELE and QUIT the mailbox holds %q", got)
	}
}

// Talks to the server line by line: CAPA before and after STLS is not
// possible without TLS here, so this checks the plain-text rules.
func TestPOP3ServerPlainRules(t *testing.T) {
	s := StartPOP3(t, POP3Options{Users: map[string]string{"bob": "pw"}, Messages: []string{"Subject: x\n\nline1\nline2\n"}})
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	read := func() string {
		t.Helper()
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimRight(l, "\r\n")
	}
	send := func(cmd string) { c.Write([]byte(cmd + "\r\n")) }
	if g := read(); !strings.HasPrefix(g, "+OK") {
		t.Fatalf("greeting %q", g)
	}
	send("CAPA")
	var caps []string
	for l := read(); l != "."; l = read() {
		caps = append(caps, l)
	}
	if strings.Contains(strings.Join(caps, " "), "USER") || strings.Contains(strings.Join(caps, " "), "STLS") {
		t.Errorf("CAPA on a plain server without PlaintextAuth = %q", caps)
	}
	send("USER bob")
	if l := read(); !strings.HasPrefix(l, "-ERR") {
		t.Errorf("USER before TLS = %q, want -ERR", l)
	}
	send("STLS")
	if l := read(); !strings.HasPrefix(l, "-ERR") {
		t.Errorf("STLS without TLS = %q, want -ERR", l)
	}
	send("AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00bob\x00pw")))
	if l := read(); !strings.HasPrefix(l, "-ERR") {
		t.Errorf("AUTH PLAIN before TLS = %q, want -ERR", l)
	}
	send("QUIT")
	if l := read(); !strings.HasPrefix(l, "+OK") {
		t.Errorf("QUIT = %q", l)
	}
}

func TestPOP3ServerTopAndAuthPlain(t *testing.T) {
	s := StartPOP3(t, POP3Options{Users: map[string]string{"bob": "pw"}, Messages: []string{"Subject: x\n\nline1\nline2\n"}, PlaintextAuth: true})
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	read := func() string {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimRight(l, "\r\n")
	}
	read()
	c.Write([]byte("AUTH PLAIN\r\n"))
	if l := read(); l != "+ " {
		t.Fatalf("AUTH PLAIN = %q, want a continuation", l)
	}
	c.Write([]byte(base64.StdEncoding.EncodeToString([]byte("\x00bob\x00pw")) + "\r\n"))
	if l := read(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("AUTH PLAIN = %q", l)
	}
	c.Write([]byte("TOP 1 1\r\n"))
	var lines []string
	for l := read(); l != "."; l = read() {
		lines = append(lines, l)
	}
	if want := "+OK message follows|Subject: x||line1"; strings.Join(lines, "|") != want {
		t.Errorf("TOP 1 1 = %q", lines)
	}
}
