package probetest

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
)

// Broken servers: each misbehaves in one way a real server (or something
// between client and server) does, to test that a client copes.

// NewTarpit accepts connections and never says anything, until the client
// goes away or the server is closed.
func NewTarpit() (*ConnServer, error) {
	return ServeAddr("", func(c net.Conn) { io.Copy(io.Discard, c) })
}

// StartTarpit starts a tarpit for the test.
func StartTarpit(t testing.TB) *ConnServer {
	t.Helper()
	s, err := NewTarpit()
	return tbServer(t, s, err)
}

// NewFlood sends prefix, then repeat over and over until the client goes
// away: NewFlood("* OK ", "A") is an endless line, NewFlood("220-x\r\n",
// "220-spam\r\n") an endless multi-line reply.
func NewFlood(prefix, repeat string) (*ConnServer, error) {
	return ServeAddr("", func(c net.Conn) {
		go io.Copy(io.Discard, c)
		if _, err := io.WriteString(c, prefix); err != nil {
			return
		}
		chunk := []byte(strings.Repeat(repeat, max(1, 4096/max(1, len(repeat)))))
		for {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	})
}

// StartFlood starts a flood server for the test.
func StartFlood(t testing.TB, prefix, repeat string) *ConnServer {
	t.Helper()
	s, err := NewFlood(prefix, repeat)
	return tbServer(t, s, err)
}

// NewCloser closes every connection right after accepting it.
func NewCloser() (*ConnServer, error) {
	return ServeAddr("", func(net.Conn) {})
}

// StartCloser starts a closer for the test.
func StartCloser(t testing.TB) *ConnServer {
	t.Helper()
	s, err := NewCloser()
	return tbServer(t, s, err)
}

// NewHandshakeCloser reads the first bytes of the client's TLS handshake
// (the record header of its ClientHello) and then closes the connection.
func NewHandshakeCloser() (*ConnServer, error) {
	return ServeAddr("", func(c net.Conn) {
		io.ReadFull(c, make([]byte, 5))
	})
}

// StartHandshakeCloser starts a handshake closer for the test.
func StartHandshakeCloser(t testing.TB) *ConnServer {
	t.Helper()
	s, err := NewHandshakeCloser()
	return tbServer(t, s, err)
}

// Step is one step of a scripted line server. Each part is optional and
// they run in this order: read a line, send, upgrade to TLS, close.
type Step struct {
	// Expect reads one line, which must start with Expect (compared
	// without regard to case); otherwise the server closes the connection.
	// Empty: read nothing.
	Expect string
	// Send is written after; "\n" separates lines, each sent with CRLF.
	// "{tag}" is replaced with the first word of the line read (an IMAP
	// tag), "{last}" with its last word (a SASL blob, to echo it).
	Send string
	// TLS, when set, runs a server-side TLS handshake; the conversation
	// goes on inside it.
	TLS *tls.Config
	// Close ends the connection.
	Close bool
	// Flood, when set, is written over and over after Send until the
	// client goes away: "A" makes an endless line, "535-5.7.8 no\r\n"
	// an endless multi-line reply.
	Flood string
}

// NewScript runs steps on every connection, then keeps the connection open,
// reading and ignoring lines, until the client closes it.
func NewScript(steps ...Step) (*ConnServer, error) {
	return ServeAddr("", func(c net.Conn) { runScript(c, steps) })
}

// StartScript starts a scripted server for the test.
func StartScript(t testing.TB, steps ...Step) *ConnServer {
	t.Helper()
	s, err := NewScript(steps...)
	return tbServer(t, s, err)
}

func runScript(c net.Conn, steps []Step) {
	r := bufio.NewReader(c)
	for _, st := range steps {
		tag, last := "", ""
		if st.Expect != "" {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if len(line) < len(st.Expect) || !strings.EqualFold(line[:len(st.Expect)], st.Expect) {
				return
			}
			if f := strings.Fields(line); len(f) > 0 {
				tag, last = f[0], f[len(f)-1]
			}
		}
		if st.Send != "" {
			out := strings.ReplaceAll(st.Send, "{tag}", tag)
			out = strings.ReplaceAll(out, "{last}", last)
			out = strings.ReplaceAll(out, "\n", "\r\n") + "\r\n"
			if _, err := io.WriteString(c, out); err != nil {
				return
			}
		}
		if st.Flood != "" {
			go io.Copy(io.Discard, r)
			chunk := []byte(strings.Repeat(st.Flood, max(1, 4096/len(st.Flood))))
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}
		if st.TLS != nil {
			tc := tls.Server(c, st.TLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r = tc, bufio.NewReader(tc)
		}
		if st.Close {
			return
		}
	}
	io.Copy(io.Discard, r)
}
