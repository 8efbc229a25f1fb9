package autoconfig

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var (
	cleartext = []AuthMethod{AuthPasswordCleartext}
	bob       = Address{Local: "bob", Domain: "example.com"}
)

// Settings the writer tests share. Each exercises something a format
// must get right.
var writerFixtures = map[string]Settings{
	// IMAP and POP3, implicit TLS and STARTTLS, two of each path: every
	// format but mobileconfig keeps them all.
	"full": {
		Address: alice, DisplayName: "Example Mail",
		Incoming: []Server{
			{Protocol: IMAP, Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "alice@example.com", Auth: cleartext},
			{Protocol: IMAP, Host: "imap.example.com", Port: 143, Security: SecurityStartTLS, Username: "alice@example.com", Auth: cleartext},
			{Protocol: POP3, Host: "pop.example.com", Port: 995, Security: SecurityTLS, Username: "alice", Auth: cleartext},
		},
		Outgoing: []Server{
			{Protocol: SMTP, Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Username: "alice@example.com", Auth: cleartext},
			{Protocol: SMTP, Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS, Username: "alice@example.com", Auth: cleartext},
		},
		POP3: map[string]POP3Options{
			"pop3 pop.example.com:995 tls": {LeaveMessagesOnServer: true, DaysToLeaveMessagesOnServer: 14, DownloadOnBiff: true, CheckIntervalMinutes: 10},
		},
	},
	// POP3 only, STARTTLS only, the local part as login name and an
	// encrypted password.
	"pop3-starttls": {
		Address: alice, DisplayName: "Old School ISP",
		Incoming: []Server{
			{Protocol: POP3, Host: "mail.example.com", Port: 110, Security: SecurityStartTLS, Username: "alice", Auth: []AuthMethod{AuthPasswordEncrypted}},
		},
		Outgoing: []Server{
			{Protocol: SMTP, Host: "mail.example.com", Port: 587, Security: SecurityStartTLS, Username: "alice", Auth: []AuthMethod{AuthPasswordEncrypted}},
		},
		POP3: map[string]POP3Options{"pop3 mail.example.com:110 starttls": DefaultPOP3Options},
	},
	// OAuth2 first with a password fallback on IMAP, OAuth2 only on SMTP.
	"oauth2": {
		Address: alice, DisplayName: "Big Provider",
		Incoming: []Server{
			{Protocol: IMAP, Host: "imap.big.example", Port: 993, Security: SecurityTLS, Username: "alice@example.com", Auth: []AuthMethod{AuthOAuth2, AuthPasswordCleartext}},
		},
		Outgoing: []Server{
			{Protocol: SMTP, Host: "smtp.big.example", Port: 465, Security: SecurityTLS, Username: "alice@example.com", Auth: []AuthMethod{AuthOAuth2}},
		},
		OAuth2: &OAuth2Info{Issuer: "accounts.big.example", Scope: "https://mail.big.example/", AuthURL: "https://accounts.big.example/auth", TokenURL: "https://accounts.big.example/token"},
		// Advice as Gmail's: switch IMAP on (an ISPDB <enable>), an app
		// password (a Delta Chat hint without a page), documentation.
		Advice: []Advice{
			{Kind: AdviceEnable, Text: "You need to enable IMAP access", URL: "https://mail.big.example/settings/imap", Needs: []string{"enable-access"}},
			{Kind: "before-login", Text: "Turn on 2-Step Verification and create an app password.", Needs: []string{"app-password"}},
			{Kind: AdviceDocumentation, Text: "How to configure email clients for IMAP", URL: "https://support.big.example/imap"},
		},
	},
	// A provider with no encryption at all, from --no-probe: nothing was
	// checked, and the password travels readable.
	"plain-unchecked": {
		Address: alice, DisplayName: "Plain ISP",
		Incoming: []Server{
			{Protocol: IMAP, Host: "mail.plain.example", Port: 143, Security: SecurityNone, Username: "alice", Auth: cleartext},
			{Protocol: POP3, Host: "mail.plain.example", Port: 110, Security: SecurityNone, Username: "alice", Auth: cleartext},
		},
		Outgoing: []Server{
			{Protocol: SMTP, Host: "mail.plain.example", Port: 587, Security: SecurityNone, Username: "alice", Auth: cleartext},
		},
		POP3:           map[string]POP3Options{"pop3 mail.plain.example:110 none": DefaultPOP3Options},
		IncomingStatus: StatusUnknown, OutgoingStatus: StatusUnknown,
	},
	// A bare domain: login names stay templates, nothing says whose
	// mailbox; an unencrypted relay and no method named for IMAP.
	"domain": {
		Address: Address{Domain: "example.org"},
		Incoming: []Server{
			{Protocol: IMAP, Host: "mail.example.org", Port: 993, Security: SecurityTLS, Username: "%EMAILLOCALPART%@example.org"},
		},
		Outgoing: []Server{
			{Protocol: SMTP, Host: "relay.isp.example", Port: 25, Security: SecurityNone, Auth: []AuthMethod{AuthClientIP}},
		},
	},
}

var writerFormats = map[string]func(w *bytes.Buffer, st Settings) ([]Loss, error){
	"thunderbird":  func(w *bytes.Buffer, st Settings) ([]Loss, error) { return WriteThunderbird(w, st) },
	"autodiscover": func(w *bytes.Buffer, st Settings) ([]Loss, error) { return WriteAutodiscover(w, st) },
	"mobileconfig": func(w *bytes.Buffer, st Settings) ([]Loss, error) { return WriteMobileconfig(w, st) },
	"json":         func(w *bytes.Buffer, st Settings) ([]Loss, error) { return WriteJSON(w, st) },
	"dns":          func(w *bytes.Buffer, st Settings) ([]Loss, error) { return WriteDNS(w, st) },
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	want = bytes.ReplaceAll(want, []byte("\r\n"), []byte("\n"))
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// withLosses is a writer's output followed by its losses, so the golden
// files pin what each format says it could not express.
func withLosses(out []byte, ls []Loss) []byte {
	var b bytes.Buffer
	b.Write(out)
	b.WriteString("-- losses --\n")
	for _, l := range ls {
		b.WriteString(l.String() + "\n")
	}
	return b.Bytes()
}

func TestWritersGolden(t *testing.T) {
	for fixture, st := range writerFixtures {
		for format, write := range writerFormats {
			t.Run(fixture+"/"+format, func(t *testing.T) {
				var b bytes.Buffer
				ls, err := write(&b, st)
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				golden(t, fixture+"."+format, withLosses(b.Bytes(), ls))
			})
		}
	}
}

func TestWriteTextGolden(t *testing.T) {
	for _, client := range append([]string{""}, TextClients...) {
		for _, fixture := range []string{"full", "pop3-starttls", "oauth2", "domain", "plain-unchecked"} {
			name := client
			if name == "" {
				name = "generic"
			}
			t.Run(fixture+"/"+name, func(t *testing.T) {
				var b bytes.Buffer
				ls, err := WriteText(&b, writerFixtures[fixture], client)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, fixture+".text-"+name, withLosses(b.Bytes(), ls))
			})
		}
	}
}

// TestWritersNeedPaths: the client formats refuse settings without a
// server for a path they need, rather than write a broken account.
func TestWritersNeedPaths(t *testing.T) {
	noOut := writerFixtures["full"]
	noOut.Outgoing = nil
	for format, write := range writerFormats {
		_, err := write(&bytes.Buffer{}, noOut)
		switch format {
		case "json", "dns":
			if err != nil {
				t.Errorf("%s without outgoing: %v, want the incoming side written", format, err)
			}
		default:
			if err == nil || !strings.Contains(err.Error(), "outgoing") {
				t.Errorf("%s without outgoing: error %v, want ErrIncomplete naming outgoing", format, err)
			}
		}
	}
	if _, err := WriteText(&bytes.Buffer{}, noOut, "ios"); err == nil {
		t.Errorf("text without outgoing: no error")
	}
	if _, err := WriteDNS(&bytes.Buffer{}, Settings{Address: alice}); err == nil {
		t.Errorf("dns without any server: no error")
	}
	if _, err := WriteText(&bytes.Buffer{}, writerFixtures["full"], "pine"); err == nil || !strings.Contains(err.Error(), "unknown client") {
		t.Errorf("text for an unknown client: %v", err)
	}
}
