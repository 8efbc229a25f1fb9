package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

func TestParseDeltaChatNote(t *testing.T) {
	doc := `---
name: Example Mail
status: PREPARATION
domains:
  - mail.example
  - '*.hosted.example'
server:
  - type: imap
    socket: SSL
    hostname: imap.mail.example
    port: 993
    username_pattern: emaillocalpart
  - type: smtp
    socket: STARTTLS
    hostname: smtp.mail.example
    port: 587
  - type: smtp
    socket: WEIRD
    hostname: smtp.mail.example
    port: 1
before_login_hint: |
  You must create an app password
  before you log in.
last_checked: 2024-08
website: https://mail.example
---
Body text.
`
	p, err := parseDeltaChat("deltachat/x.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []autoconfig.Server{
		{Protocol: autoconfig.IMAP, Host: "imap.mail.example", Port: 993, Security: autoconfig.SecurityTLS, Username: "%EMAILLOCALPART%"},
		{Protocol: autoconfig.SMTP, Host: "smtp.mail.example", Port: 587, Security: autoconfig.SecurityStartTLS, Username: "%EMAILADDRESS%"},
	}
	if len(p.Servers) != 2 || p.Servers[0].Key() != want[0].Key() || p.Servers[0].Username != want[0].Username ||
		p.Servers[1].Key() != want[1].Key() || p.Servers[1].Username != want[1].Username {
		t.Errorf("servers %v, want %v", p.Servers, want)
	}
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0], `socket "WEIRD"`) {
		t.Errorf("problems %q, want the third server's socket", p.Problems)
	}
	if p.Name != "Example Mail" || p.Status != "PREPARATION" || p.LastChecked != "2024-08" || p.Website != "https://mail.example" ||
		strings.Join(p.Domains, ",") != "mail.example,*.hosted.example" || p.BeforeLoginHint != "You must create an app password\nbefore you log in." {
		t.Errorf("parsed %+v", p)
	}
	for _, bad := range []string{
		"---\nstatus: OK\ndomains: [a]\n---\n",
		"---\nname: x\nstatus: MAYBE\ndomains:\n- a.example\n---\n",
		"---\nname: x\nstatus: OK\n---\n",
		"---\nname: x\nstatus: OK\ndomains: a.example\n---\n",
	} {
		if _, err := parseDeltaChat("deltachat/bad.md", []byte(bad)); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

// TestEveryNoteConverts: each Delta Chat note (but the skipped fixture)
// is in the database: its domains lead to entries that carry its hints
// and cite it; a provider the ISPDB lacks gets the note's own servers.
func TestEveryNoteConverts(t *testing.T) {
	db := generatedDB(t)
	files, err := filepath.Glob("data/deltachat/*.md")
	if err != nil || len(files) != 68 {
		t.Fatalf("data/deltachat: %d notes (%v), want the 68 of the copy (2026-04-20)", len(files), err)
	}
	for _, f := range files {
		file := "deltachat/" + filepath.Base(f)
		if skipped[file] != "" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dc, err := parseDeltaChat(file, data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, d := range dc.Domains {
			p := db.Lookup(d)
			if p == nil {
				t.Errorf("%s: domain %s leads nowhere", file, d)
				continue
			}
			if !cites(p, file) {
				// The domain belongs to an ISPDB entry the note does not
				// share enough with; it must say so.
				t.Errorf("%s: domain %s leads to %s, which does not cite the note", file, d, p.ID)
			}
			if h := strings.Join(strings.Fields(dc.BeforeLoginHint), " "); h != "" && !hasHint(p, h) {
				t.Errorf("%s: entry %s lacks the before-login hint %q", file, p.ID, h)
			}
		}
		id := strings.TrimSuffix(filepath.Base(f), ".md")
		if p := db.ByID(id); p != nil && p.Sources[0].File == file {
			// An entry of the note's own: its servers are the note's.
			var got []string
			for _, s := range p.Servers(autoconfig.Address{Local: "a", Domain: "x.example"}) {
				got = append(got, s.Key())
			}
			var want []string
			for _, s := range dc.Servers {
				want = append(want, s.Key())
			}
			if strings.Join(sortedSides(got), ";") != strings.Join(sortedSides(want), ";") {
				t.Errorf("%s: servers %v, want %v", file, got, want)
			}
		}
	}
}

// sortedSides puts incoming servers before outgoing ones, keeping each
// side's order, as entries keep them.
func sortedSides(keys []string) []string {
	var in, out []string
	for _, k := range keys {
		if strings.HasPrefix(k, "smtp ") {
			out = append(out, k)
		} else {
			in = append(in, k)
		}
	}
	return append(in, out...)
}

func cites(p *autoconfig.Provider, file string) bool {
	for _, s := range p.Sources {
		if s.File == file {
			return true
		}
	}
	return false
}

func hasHint(p *autoconfig.Provider, text string) bool {
	for _, h := range p.Hints {
		if h.Text == text {
			return true
		}
	}
	return false
}

func TestHintNeeds(t *testing.T) {
	cases := []struct{ text, want string }{
		{`For Gmail accounts, you need to have "2-Step Verification" enabled and create an app-password.`, "app-password"},
		{"You must create an app-specific password for Delta Chat before login.", "app-password"},
		{"Manually enabling IMAP/SMTP and creating an app-specific password for Delta Chat are required.", "app-password enable-access"},
		{`Um deine freenet.de E-Mail-Adresse mit Delta Chat zu benutzen, musst du erst auf der freenet.de-Webseite "POP3/IMAP/SMTP" aktivieren.`, "enable-access"},
		{"Вам необходимо сгенерировать \"пароль для внешнего приложения\" в веб-интерфейсе mail.ru", "app-password"},
		{"Tor is needed to connect to the email servers.", ""},
		{"hey.com does not offer the standard IMAP e-mail protocol", ""},
	}
	for _, c := range cases {
		if got := strings.Join(hintNeeds(c.text), " "); got != c.want {
			t.Errorf("hintNeeds(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
