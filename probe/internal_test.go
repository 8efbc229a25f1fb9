package probe

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

func TestTranscriptBounds(t *testing.T) {
	var tr transcript
	for i := range 1000 {
		tr.add("recv", false, fmt.Sprintf("line %d", i))
	}
	got := tr.lines()
	if len(got) != transcriptHead+1+transcriptTail {
		t.Fatalf("len = %d", len(got))
	}
	if got[0].Text != "line 0" || got[transcriptHead-1].Text != fmt.Sprintf("line %d", transcriptHead-1) {
		t.Errorf("head = %q … %q", got[0].Text, got[transcriptHead-1].Text)
	}
	if want := fmt.Sprintf("[%d lines omitted]", 1000-transcriptHead-transcriptTail); got[transcriptHead].Text != want {
		t.Errorf("marker = %q, want %q", got[transcriptHead].Text, want)
	}
	if got[transcriptHead+1].Text != "line 980" || got[len(got)-1].Text != "line 999" {
		t.Errorf("tail = %q … %q", got[transcriptHead+1].Text, got[len(got)-1].Text)
	}

	var short transcript
	short.add("send", true, "a1 CAPABILITY")
	if got := short.lines(); len(got) != 1 || got[0] != (autoconfig.TranscriptLine{Dir: "send", TLS: true, Text: "a1 CAPABILITY"}) {
		t.Errorf("lines = %+v", got)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"220 mx ESMTP", 100, "220 mx ESMTP"},
		{"tab\tok", 100, "tab\tok"},
		{"\x16\x03\x01\x00", 100, `\x16\x03\x01\x00`},
		{"caf\xc3\xa9 \xff", 100, `café \xff`},
		{strings.Repeat("A", 20), 10, "AAAAAAAAAA…[10 more bytes]"},
	}
	for _, tt := range tests {
		if got := printable(tt.in, tt.max); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseReplyLine(t *testing.T) {
	tests := []struct {
		in   string
		code int
		last bool
		text string
		ok   bool
	}{
		{"250-PIPELINING", 250, false, "PIPELINING", true},
		{"250 SIZE 100", 250, true, "SIZE 100", true},
		{"220", 220, true, "", true},
		{"* OK IMAP", 0, false, "", false},
		{"2500 x", 0, false, "", false},
		{"abc def", 0, false, "", false},
		{"150 x", 0, false, "", false},
	}
	for _, tt := range tests {
		code, last, text, ok := parseReplyLine(tt.in)
		if code != tt.code || last != tt.last || text != tt.text || ok != tt.ok {
			t.Errorf("parseReplyLine(%q) = %d %v %q %v", tt.in, code, last, text, ok)
		}
	}
}

func TestIMAPParsing(t *testing.T) {
	if got := capabilityCode("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready."); !slices.Equal(got, []string{"IMAP4rev1", "STARTTLS", "AUTH=PLAIN"}) {
		t.Errorf("capabilityCode = %q", got)
	}
	if got := capabilityCode("* OK ready"); got != nil {
		t.Errorf("capabilityCode = %q, want nil", got)
	}
	for in, want := range map[string]int{"* ID {12}": 12, "x {3+}": 3, "x {}": -1, "x}": -1, "x {a}": -1} {
		n, ok := literalSize(in)
		if !ok {
			n = -1
		}
		if n != want {
			t.Errorf("literalSize(%q) = %d, want %d", in, n, want)
		}
	}
	d := &imapDialog{}
	if got := d.mechanisms([]string{"IMAP4rev1", "AUTH=PLAIN", "auth=xoauth2", "AUTH=PLAIN"}); !slices.Equal(got, []string{"PLAIN", "XOAUTH2"}) {
		t.Errorf("mechanisms = %q", got)
	}
	if d.plaintextAuth([]string{"IMAP4rev1", "STARTTLS", "LOGINDISABLED"}) || !d.plaintextAuth([]string{"IMAP4rev1", "STARTTLS"}) {
		t.Errorf("plaintextAuth wrong")
	}
}

func TestSMTPMechanisms(t *testing.T) {
	d := &smtpDialog{}
	got := d.mechanisms([]string{"PIPELINING", "AUTH PLAIN LOGIN", "AUTH=LOGIN CRAM-MD5", "SIZE 1000"})
	if !slices.Equal(got, []string{"PLAIN", "LOGIN", "CRAM-MD5"}) {
		t.Errorf("mechanisms = %q", got)
	}
}

func TestIdentify(t *testing.T) {
	for in, want := range map[string]string{
		"* OK [CAPABILITY IMAP4rev1] ready": "IMAP",
		"+OK Dovecot ready.":                "POP3",
		"220 mx.example.com ESMTP Postfix":  "SMTP",
		"220-mx.example.com ESMTP":          "SMTP",
		"220 ProFTPD Server":                "FTP",
		"SSH-2.0-OpenSSH_9.6":               "SSH",
		"HTTP/1.1 400 Bad Request":          "HTTP",
		"hello":                             "",
	} {
		if got := identify(in); got != want {
			t.Errorf("identify(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzConversation feeds arbitrary server bytes to each protocol's
// conversation: whatever a server sends, a probe ends, within its deadline,
// with a result and without panicking.
func FuzzConversation(f *testing.F) {
	seeds := []string{
		"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n* CAPABILITY IMAP4rev1\r\na1 OK\r\na2 OK go\r\n",
		"* OK ready\r\n* ID {5}\r\nabcde)\r\na1 OK done\r\n",
		"+OK ready\r\n+OK\r\nSTLS\r\nSASL PLAIN\r\n.\r\n+OK\r\n",
		"220-a\r\n220 b\r\n250-x\r\n250 STARTTLS\r\n220 go\r\n",
		"220 a\r\n502 no\r\n250 ok\r\n",
		"\x16\x03\x01\x00\x05hello",
		"554 no\r\n",
		"* BYE\r\n",
		"220 a\r\n250-x\r\n251 y\r\n",
		"* OK\r\n+ cont\r\n",
		"* OK\x88[CAPABILITY \r\n",                    // issue 9: panicked in capabilityCode
		"* OK hi\r\na1 OK \xff[CAPABILITY IMAP4]\r\n", // the tagged reply's code
	}
	for _, s := range seeds {
		for _, p := range []string{"imap", "pop3", "smtp"} {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, proto, data string) {
		switch proto {
		case "imap", "pop3", "smtp":
		default:
			return
		}
		p := New(&Options{
			Resolve: func(context.Context, string) ([]net.IP, error) { return []net.IP{net.IPv4(127, 0, 0, 1)}, nil },
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				client, server := net.Pipe()
				go func() {
					defer server.Close()
					go io.Copy(io.Discard, server)
					io.WriteString(server, data)
				}()
				return client, nil
			},
			Timeout: 200 * time.Millisecond,
		})
		res := p.Probe(context.Background(), autoconfig.Server{Protocol: autoconfig.Protocol(proto), Host: "mail.example.test", Port: 1, Security: autoconfig.SecurityStartTLS})
		if res == nil || res.Status == "" {
			t.Fatalf("result %+v", res)
		}
		if res.Status == autoconfig.ProbeFailed && (res.ErrorKind == "" || res.Error == "") {
			t.Errorf("failed without kind or message: %+v", res)
		}
	})
}
