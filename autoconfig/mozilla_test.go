package autoconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var alice = Address{Local: "alice", Domain: "example.com"}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkConfigInvariants holds for every config ParseMozilla returns.
func checkConfigInvariants(t testing.TB, c *MozillaConfig) {
	t.Helper()
	if len(c.Incoming)+len(c.Outgoing) == 0 {
		t.Errorf("no servers but no error")
	}
	for _, s := range append(append([]Server(nil), c.Incoming...), c.Outgoing...) {
		if _, err := checkServerHost(s.Host); err != nil || s.Port < 1 || s.Port > 65535 {
			t.Errorf("bad server %v (%v)", s, err)
		}
		switch s.Security {
		case SecurityTLS, SecurityStartTLS, SecurityNone:
		default:
			t.Errorf("server %v: security %q", s, s.Security)
		}
	}
	for _, s := range c.Incoming {
		if s.Protocol != IMAP && s.Protocol != POP3 {
			t.Errorf("incoming %v", s)
		}
	}
	for _, s := range c.Outgoing {
		if s.Protocol != SMTP {
			t.Errorf("outgoing %v", s)
		}
	}
	if len(c.hints) != len(c.Problems) {
		t.Errorf("%d hints for %d problems", len(c.hints), len(c.Problems))
	}
}

func TestParseMozillaISPDB(t *testing.T) {
	files, err := filepath.Glob("testdata/ispdb/*.xml")
	if err != nil || len(files) < 12 {
		t.Fatalf("testdata/ispdb: %d files, %v", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ParseMozilla(b, alice)
			if err != nil {
				t.Fatalf("ParseMozilla: %v", err)
			}
			checkConfigInvariants(t, c)
			if c.ID == "" || len(c.Domains) == 0 || c.DisplayName == "" {
				t.Errorf("id %q, domains %v, name %q", c.ID, c.Domains, c.DisplayName)
			}
			for _, s := range c.Incoming {
				if strings.Contains(s.Username, "%") {
					t.Errorf("placeholder left in %v: %q", s, s.Username)
				}
			}
		})
	}
}

func TestParseMozillaFiles(t *testing.T) {
	imap := func(h string, p int, sec Security, user string, auth ...AuthMethod) Server {
		return Server{Protocol: IMAP, Host: h, Port: p, Security: sec, Username: user, Auth: auth}
	}
	pop := func(h string, p int, sec Security, user string, auth ...AuthMethod) Server {
		return Server{Protocol: POP3, Host: h, Port: p, Security: sec, Username: user, Auth: auth}
	}
	smtp := func(h string, p int, sec Security, user string, auth ...AuthMethod) Server {
		return Server{Protocol: SMTP, Host: h, Port: p, Security: sec, Username: user, Auth: auth}
	}
	const me = "alice@example.com"
	tests := []struct {
		file     string
		addr     Address
		incoming []Server
		outgoing []Server
		problems []string // substrings, one per expected problem, in order
		notes    int
		check    func(t *testing.T, c *MozillaConfig)
	}{
		{
			file: "ispdb/office365.com.xml", addr: alice,
			incoming: []Server{imap("outlook.office365.com", 993, SecurityTLS, me, AuthOAuth2),
				pop("outlook.office365.com", 995, SecurityTLS, me, AuthOAuth2)},
			outgoing: []Server{smtp("smtp.office365.com", 587, SecurityStartTLS, me, AuthOAuth2)},
			problems: []string{`"%EMAILADDRESS" has a % without its closing %`, `"%EMAILADDRESS" has a % without its closing %`},
			notes:    4, // ews, owa, graph, exchange
			check: func(t *testing.T, c *MozillaConfig) {
				want := OAuth2Info{Issuer: "login.microsoftonline.com",
					Scope:    "https://outlook.office365.com/IMAP.AccessAsUser.All https://outlook.office365.com/POP.AccessAsUser.All https://outlook.office365.com/SMTP.Send offline_access",
					AuthURL:  "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
					TokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token"}
				if c.OAuth2 == nil || *c.OAuth2 != want {
					t.Errorf("OAuth2 = %+v", c.OAuth2)
				}
				if o, ok := c.POP3[c.Incoming[1].Key()]; !ok || !o.LeaveMessagesOnServer {
					t.Errorf("POP3 = %+v", c.POP3)
				}
				if c.ShortName != "Microsoft 365" || len(c.Domains) != 3 {
					t.Errorf("short name %q, domains %v", c.ShortName, c.Domains)
				}
			},
		},
		{
			file: "ispdb/tiki.ne.jp.xml", addr: alice,
			incoming: []Server{pop("mx.tiki.ne.jp", 110, SecurityNone, "alice", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp-auth.tiki.ne.jp", 587, SecurityNone, me, AuthPasswordCleartext)},
			problems: []string{"socketType plain with password", "socketType plain with password"},
		},
		{
			file: "ispdb/kokuyou.ne.jp.xml", addr: alice,
			incoming: []Server{pop("mail.kokuyou.ne.jp", 110, SecurityNone, "alice", AuthPasswordCleartext)},
			// Plain SMTP without authentication sends no secret: no problem.
			outgoing: []Server{smtp("smtp.kokuyou.ne.jp", 25, SecurityNone, "", AuthNone)},
			problems: []string{"socketType plain with password"},
		},
		{
			file: "ispdb/googlemail.com.xml", addr: Address{Domain: "gmail.com"},
			incoming: []Server{imap("imap.gmail.com", 993, SecurityTLS, "%EMAILADDRESS%", AuthOAuth2, AuthPasswordCleartext),
				pop("pop.gmail.com", 995, SecurityTLS, "%EMAILADDRESS%", AuthOAuth2, AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.gmail.com", 465, SecurityTLS, "%EMAILADDRESS%", AuthOAuth2, AuthPasswordCleartext)},
			check: func(t *testing.T, c *MozillaConfig) {
				if len(c.Documentation) != 4 || c.OAuth2 == nil || c.OAuth2.Issuer != "accounts.google.com" {
					t.Errorf("documentation %v, oauth2 %+v", c.Documentation, c.OAuth2)
				}
			},
		},
		{
			file: "ispdb/free.fr.xml", addr: Address{Domain: "free.fr"},
			incoming: []Server{imap("imap.free.fr", 993, SecurityTLS, "%EMAILLOCALPART%", AuthPasswordCleartext),
				pop("pop.free.fr", 995, SecurityTLS, "%EMAILLOCALPART%", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.free.fr", 465, SecurityTLS, "%EMAILLOCALPART%", AuthPasswordCleartext)},
		},
		{
			file: "ispdb/web.de.xml", addr: alice,
			incoming: []Server{imap("imap.web.de", 993, SecurityTLS, "alice", AuthPasswordCleartext),
				imap("imap.web.de", 143, SecurityStartTLS, "alice", AuthPasswordCleartext),
				pop("pop3.web.de", 995, SecurityTLS, "alice", AuthPasswordCleartext),
				pop("pop3.web.de", 110, SecurityStartTLS, "alice", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.web.de", 465, SecurityTLS, "alice", AuthPasswordCleartext),
				smtp("smtp.web.de", 587, SecurityStartTLS, "alice", AuthPasswordCleartext)},
			check: func(t *testing.T, c *MozillaConfig) {
				if o := c.POP3[c.Incoming[2].Key()]; o.CheckIntervalMinutes != 15 {
					t.Errorf("POP3 = %+v", c.POP3)
				}
			},
		},
		{
			// No XML declaration; several servers of each protocol.
			file: "ispdb/gransy.com.xml", addr: alice,
			check: func(t *testing.T, c *MozillaConfig) {
				if len(c.Incoming) != 4 || len(c.Outgoing) != 3 {
					t.Errorf("%d incoming, %d outgoing", len(c.Incoming), len(c.Outgoing))
				}
			},
		},
		{
			// <displayNameShort> is not the format's name: ignored.
			file: "ispdb/nili.ca.xml", addr: alice,
			check: func(t *testing.T, c *MozillaConfig) {
				if c.ShortName != "" || len(c.Outgoing) != 2 {
					t.Errorf("short name %q, outgoing %v", c.ShortName, c.Outgoing)
				}
			},
		},
		{
			file: "ispdb/hotmail.com.xml", addr: alice,
			check: func(t *testing.T, c *MozillaConfig) {
				if len(c.Domains) != 103 {
					t.Errorf("%d domains", len(c.Domains))
				}
			},
		},
		{
			file: "mozilla/draft-1.2.xml", addr: alice,
			incoming: []Server{imap("imap.example.com", 993, SecurityTLS, me, AuthPasswordEncrypted, AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.example.com", 465, SecurityTLS, me, AuthPasswordCleartext)},
			notes:    1, // jmap
			check: func(t *testing.T, c *MozillaConfig) {
				if !reflect.DeepEqual(c.Domains, []string{"example.com", "mx.example.net"}) || c.OAuth2 == nil {
					t.Errorf("domains %v, oauth2 %+v", c.Domains, c.OAuth2)
				}
			},
		},
		{
			file: "mozilla/hosted.xml", addr: Address{Local: "bob", Domain: "customer.example"},
			incoming: []Server{imap("imap.customer.example", 143, SecurityStartTLS, "bob@customer.example", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.customer.example", 587, SecurityStartTLS, "bob@customer.example", AuthPasswordCleartext)},
		},
		{
			file: "mozilla/hosted.xml", addr: Address{Domain: "customer.example"},
			incoming: []Server{imap("imap.customer.example", 143, SecurityStartTLS, "%EMAILLOCALPART%@customer.example", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.customer.example", 587, SecurityStartTLS, "%EMAILADDRESS%", AuthPasswordCleartext)},
		},
		{
			file: "mozilla/problems.xml", addr: alice,
			incoming: []Server{imap("imap.broken.example", 143, SecurityNone, "%MAILBOX%", AuthPasswordCleartext)},
			outgoing: []Server{smtp("smtp.broken.example", 587, SecurityStartTLS, "%EMAILADDRESS")},
			problems: []string{
				`socketType "TLS1.3" is not SSL, STARTTLS or plain: skipped`,
				"lacks a <hostname>, <port> or <socketType>: skipped",
				`port "99500" is not a number from 1 to 65535: skipped`,
				`hostname "https://pop.broken.example/" is a URL`,
				`uses %MAILBOX%, which is not a placeholder`,
				`authentication "kerberos-please" is not a known value`,
				"socketType plain with password",
				`"%EMAILADDRESS" has a % without its closing %`,
				"no <authentication> given",
				"useGlobalPreferredServer is true",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.addr.String(), func(t *testing.T) {
			c, err := ParseMozilla(readTestdata(t, tt.file), tt.addr)
			if err != nil {
				t.Fatalf("ParseMozilla: %v", err)
			}
			checkConfigInvariants(t, c)
			if tt.incoming != nil && !reflect.DeepEqual(c.Incoming, tt.incoming) {
				t.Errorf("Incoming =\n%v\nwant\n%v", c.Incoming, tt.incoming)
			}
			if tt.outgoing != nil && !reflect.DeepEqual(c.Outgoing, tt.outgoing) {
				t.Errorf("Outgoing =\n%v\nwant\n%v", c.Outgoing, tt.outgoing)
			}
			if len(c.Problems) != len(tt.problems) {
				t.Errorf("Problems = %q, want %d", c.Problems, len(tt.problems))
			} else {
				for i, p := range tt.problems {
					if !strings.Contains(c.Problems[i], p) {
						t.Errorf("Problems[%d] = %q, want it to contain %q", i, c.Problems[i], p)
					}
				}
			}
			if len(c.Notes) != tt.notes {
				t.Errorf("Notes = %q, want %d", c.Notes, tt.notes)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func mozDoc(servers string) string {
	return `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>` +
		servers + `</emailProvider></clientConfig>`
}

const mozIMAP = `<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port>` +
	`<socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>`

func TestParseMozillaErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrSyntax},
		{"not xml", "hello", ErrSyntax},
		{"html page", "<!DOCTYPE html><html><body>Welcome</body></html>", ErrSyntax},
		{"wrong root", `<config><emailProvider/></config>`, ErrSyntax},
		{"no emailProvider", `<clientConfig version="1.1"></clientConfig>`, ErrSyntax},
		{"no usable server", mozDoc(`<incomingServer type="imap"><hostname>a b</hostname><port>1</port><socketType>SSL</socketType></incomingServer>`), ErrSyntax},
		{"only exchange", mozDoc(`<incomingServer type="exchange"><hostname>ex.example.com</hostname><port>443</port><socketType>SSL</socketType></incomingServer>`), ErrSyntax},
		{"truncated", mozDoc(mozIMAP)[:100], ErrSyntax},
		{"undeclared entity", `<!DOCTYPE clientConfig [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + strings.Replace(mozDoc(mozIMAP), "imap.example.com", "&x;", 1), ErrSyntax},
		{"unsupported encoding", `<?xml version="1.0" encoding="Shift_JIS"?>` + mozDoc(mozIMAP)[len(`<?xml version="1.0"?>`):], ErrSyntax},
		{"too many servers", mozDoc(strings.Repeat(mozIMAP, maxDocServers+1)), ErrSyntax},
		{"too many domains", mozDoc(strings.Repeat("<domain>example.com</domain>", maxDocDomains+1) + mozIMAP), ErrSyntax},
		{"huge", mozDoc(mozIMAP + "<!--" + strings.Repeat("x", maxDocumentSize) + "-->"), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseMozilla([]byte(tt.in), alice)
			if !errors.Is(err, tt.want) || c != nil {
				t.Fatalf("ParseMozilla() = %v, %v; want error %v", c, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "autoconfig: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestParseMozillaEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		in   string
		addr Address
		want Server
	}{
		{"latin1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?>` + mozDoc(mozIMAP)[len(`<?xml version="1.0"?>`):], alice,
			Server{Protocol: IMAP, Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "alice@example.com", Auth: []AuthMethod{AuthPasswordCleartext}}},
		{"case and spaces", mozDoc(`<incomingServer type=" IMAP "><hostname> IMAP.Example.COM. </hostname><port> 143 </port><socketType>starttls</socketType>` +
			`<authentication>Password-Cleartext</authentication><authentication>plain</authentication><authentication>OAuth2</authentication>` +
			`<username>%EMAILLOCALPART%%REALNAME%</username></incomingServer>`), alice,
			Server{Protocol: IMAP, Host: "imap.example.com", Port: 143, Security: SecurityStartTLS, Username: "alice", Auth: []AuthMethod{AuthPasswordCleartext, AuthOAuth2}}},
		{"idn host and ip", mozDoc(`<outgoingServer type="smtp"><hostname>smtp.bücher.example</hostname><port>25</port><socketType>plain</socketType>` +
			`<authentication>client-IP-address</authentication><authentication>smtp-after-pop</authentication></outgoingServer>`), alice,
			Server{Protocol: SMTP, Host: "smtp.xn--bcher-kva.example", Port: 25, Security: SecurityNone, Auth: []AuthMethod{AuthClientIP, AuthNone}}},
		{"ipv6 literal", mozDoc(`<incomingServer type="pop3"><hostname>[2001:db8::1]</hostname><port>995</port><socketType>SSL</socketType>` +
			`<authentication>NTLM</authentication><authentication>GSSAPI</authentication><authentication>TLS-client-cert</authentication></incomingServer>`), alice,
			Server{Protocol: POP3, Host: "2001:db8::1", Port: 995, Security: SecurityTLS, Auth: []AuthMethod{AuthNTLM, AuthGSSAPI, AuthTLSClientCert}}},
		{"namespaced root", `<clientConfig xmlns="urn:example" version="1.1"><emailProvider id="x"><domain>example.com</domain>` + mozIMAP + `</emailProvider></clientConfig>`, Address{Domain: "example.com"},
			Server{Protocol: IMAP, Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "%EMAILADDRESS%", Auth: []AuthMethod{AuthPasswordCleartext}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseMozilla([]byte(tt.in), tt.addr)
			if err != nil {
				t.Fatalf("ParseMozilla: %v", err)
			}
			got := append(c.Incoming, c.Outgoing...)
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("servers = %v, want %v", got, tt.want)
			}
			if len(c.Problems) != 0 {
				t.Errorf("Problems = %q", c.Problems)
			}
		})
	}
}

func TestParseMozillaBareDomainHostPlaceholder(t *testing.T) {
	doc := mozDoc(mozIMAP + `<incomingServer type="imap"><hostname>%EMAILLOCALPART%.mail.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>`)
	c, err := ParseMozilla([]byte(doc), Address{Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Incoming) != 1 || len(c.Problems) != 0 || len(c.Notes) != 1 {
		t.Errorf("incoming %v, problems %q, notes %q", c.Incoming, c.Problems, c.Notes)
	}
	c, err = ParseMozilla([]byte(doc), alice)
	if err != nil || len(c.Incoming) != 2 || c.Incoming[1].Host != "alice.mail.example.com" {
		t.Errorf("with an address: %v, %v", c, err)
	}
}

func TestExpandPlaceholders(t *testing.T) {
	tests := []struct {
		in   string
		addr Address
		want string
		bad  bool
	}{
		{"%EMAILADDRESS%", alice, "alice@example.com", false},
		{"%EMAILLOCALPART%", alice, "alice", false},
		{"%EMAILDOMAIN%", alice, "example.com", false},
		{"%REALNAME%x", alice, "x", false},
		{"plain", alice, "plain", false},
		{"%EMAILADDRESS%", Address{Domain: "example.com"}, "%EMAILADDRESS%", false},
		{"%EMAILLOCALPART%+%EMAILDOMAIN%", Address{Domain: "example.com"}, "%EMAILLOCALPART%+example.com", false},
		{"%EMAILADDRESS", alice, "%EMAILADDRESS", true},
		{"%EMAILADDRESS%%", alice, "%EMAILADDRESS%%", true},
		{"%FOO%", alice, "%FOO%", true},
		{"%emailaddress%", alice, "%emailaddress%", true},
	}
	for _, tt := range tests {
		got, bad := expandPlaceholders(tt.in, tt.addr)
		if got != tt.want || (bad != "") != tt.bad {
			t.Errorf("expandPlaceholders(%q, %v) = %q, %q; want %q, problem %v", tt.in, tt.addr, got, bad, tt.want, tt.bad)
		}
	}
}

func TestCheckServerHost(t *testing.T) {
	good := map[string]string{
		"imap.example.com": "imap.example.com", "IMAP.EXAMPLE.COM.": "imap.example.com", "192.0.2.1": "192.0.2.1",
		"[2001:db8::1]": "2001:db8::1", "mail_1.example.com": "mail_1.example.com", "bücher.example": "xn--bcher-kva.example",
	}
	for in, want := range good {
		if got, err := checkServerHost(in); got != want || err != nil {
			t.Errorf("checkServerHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "localhost", "imap example.com", "https://imap.example.com", "imap.example.com/x",
		"a..b", "-a.example.com", "imap.example.com:993", strings.Repeat("a.", 130) + "com", strings.Repeat("a", 64) + ".com", "x@y.com"} {
		if got, err := checkServerHost(in); err == nil {
			t.Errorf("checkServerHost(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzParseMozilla(f *testing.F) {
	for _, pat := range []string{"testdata/ispdb/*.xml", "testdata/mozilla/*.xml"} {
		files, _ := filepath.Glob(pat)
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, true)
		}
	}
	f.Add([]byte(mozDoc(mozIMAP)), false)
	f.Fuzz(func(t *testing.T, data []byte, local bool) {
		addr := alice
		if !local {
			addr.Local = ""
		}
		c, err := ParseMozilla(data, addr)
		if err != nil {
			if c != nil || !(errors.Is(err, ErrSyntax) || errors.Is(err, ErrTooLarge)) {
				t.Fatalf("ParseMozilla() = %v, %v", c, err)
			}
			return
		}
		checkConfigInvariants(t, c)
	})
}
