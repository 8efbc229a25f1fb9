package autoconfig

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTripFixtures are the settings whose thunderbird and autodiscover
// files must parse back to the same servers: POP3 only, STARTTLS only,
// several servers per path, login name forms.
func roundTripFixtures() map[string]Settings {
	fx := map[string]Settings{
		"full":          writerFixtures["full"],
		"pop3-starttls": writerFixtures["pop3-starttls"],
		"starttls-only": {
			Address: bob, DisplayName: "STARTTLS Only",
			Incoming: []Server{{Protocol: IMAP, Host: "mx.example.com", Port: 143, Security: SecurityStartTLS, Username: "bob@example.com", Auth: cleartext}},
			Outgoing: []Server{{Protocol: SMTP, Host: "mx.example.com", Port: 587, Security: SecurityStartTLS, Username: "bob@example.com", Auth: cleartext}},
		},
		"pop3-only-multi": {
			Address: bob,
			Incoming: []Server{
				{Protocol: POP3, Host: "pop.example.com", Port: 995, Security: SecurityTLS, Username: "bob", Auth: cleartext},
				{Protocol: POP3, Host: "pop2.example.com", Port: 995, Security: SecurityTLS, Username: "bob", Auth: cleartext},
			},
			Outgoing: []Server{
				{Protocol: SMTP, Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Username: "bob@example.com", Auth: cleartext},
				{Protocol: SMTP, Host: "smtp2.example.com", Port: 587, Security: SecurityStartTLS, Username: "bob@example.com", Auth: cleartext},
			},
		},
		"fixed-login-and-plain": {
			Address:  alice,
			Incoming: []Server{{Protocol: IMAP, Host: "legacy.example.com", Port: 143, Security: SecurityNone, Username: "u12345", Auth: cleartext}},
			Outgoing: []Server{{Protocol: SMTP, Host: "legacy.example.com", Port: 25, Security: SecurityNone, Auth: []AuthMethod{AuthNone}}},
		},
	}
	for _, st := range fx {
		st.fillPOP3Defaults()
	}
	return fx
}

// expected fills in what a writer writes for what the settings leave
// open: the whole address as login name, a password as the method.
func expected(st Settings, list []Server) []Server {
	var out []Server
	for _, s := range list {
		if s.Username == "" {
			s.Username = st.Address.String()
		}
		if len(s.Auth) == 0 {
			s.Auth = cleartext
		}
		out = append(out, s)
	}
	return out
}

func TestThunderbirdRoundTrip(t *testing.T) {
	for name, st := range roundTripFixtures() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if _, err := WriteThunderbird(&b, st); err != nil {
				t.Fatal(err)
			}
			c, err := ParseMozilla(b.Bytes(), st.Address)
			if err != nil {
				t.Fatalf("ParseMozilla: %v\n%s", err, b.Bytes())
			}
			for _, p := range c.Problems {
				// A password without encryption is the server's problem,
				// which the parser rightly names; anything else is ours.
				if !strings.Contains(p, "socketType plain with password") {
					t.Errorf("the parser finds a problem in what postino wrote: %s", p)
				}
			}
			if !reflect.DeepEqual(c.Incoming, expected(st, st.Incoming)) {
				t.Errorf("incoming:\n got %+v\nwant %+v", c.Incoming, expected(st, st.Incoming))
			}
			if !reflect.DeepEqual(c.Outgoing, expected(st, st.Outgoing)) {
				t.Errorf("outgoing:\n got %+v\nwant %+v", c.Outgoing, expected(st, st.Outgoing))
			}
			if len(st.POP3) > 0 && !reflect.DeepEqual(c.POP3, st.POP3) {
				t.Errorf("pop3 options: got %+v, want %+v", c.POP3, st.POP3)
			}
			if c.ID != st.Address.Domain || !reflect.DeepEqual(c.Domains, []string{st.Address.Domain}) {
				t.Errorf("provider id %q, domains %q", c.ID, c.Domains)
			}
		})
	}
	// OAuth2 endpoints survive too.
	st := writerFixtures["oauth2"]
	var b bytes.Buffer
	if _, err := WriteThunderbird(&b, st); err != nil {
		t.Fatal(err)
	}
	c, err := ParseMozilla(b.Bytes(), st.Address)
	if err != nil || !reflect.DeepEqual(c.OAuth2, st.OAuth2) || !reflect.DeepEqual(c.Incoming, st.Incoming) {
		t.Errorf("oauth2 round trip: %v, %+v, %+v", err, c.OAuth2, c.Incoming)
	}
}

// poxProjection is what an autodiscover answer can carry of a server's
// authentication: a plain password (SPA off), SPA, or no login at all.
func poxProjection(s Server) []AuthMethod {
	switch {
	case s.Protocol == SMTP && len(s.Auth) > 0 && !passwordLogin(s) && noLogin(s):
		return []AuthMethod{AuthNone}
	case hasAuth(s, AuthPasswordCleartext):
		return cleartext
	}
	return []AuthMethod{AuthPasswordEncrypted}
}

func TestAutodiscoverRoundTrip(t *testing.T) {
	for name, st := range roundTripFixtures() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if _, err := WriteAutodiscover(&b, st); err != nil {
				t.Fatal(err)
			}
			ad, err := ParseAutodiscover(b.Bytes(), st.Address)
			if err != nil {
				t.Fatalf("ParseAutodiscover: %v\n%s", err, b.Bytes())
			}
			if len(ad.Problems) > 0 {
				t.Errorf("the parser finds problems in what postino wrote: %q", ad.Problems)
			}
			var want []Server
			for _, s := range expected(st, append(append([]Server(nil), st.Incoming...), st.Outgoing...)) {
				s.Auth = poxProjection(s)
				want = append(want, s)
			}
			if !reflect.DeepEqual(ad.Servers, want) {
				t.Errorf("servers:\n got %+v\nwant %+v", ad.Servers, want)
			}
		})
	}
}

// TestThunderbirdRelaxNG validates every thunderbird file against the
// RELAX NG schema of draft-ietf-mailmaint-autoconfig, as the ISPDB's
// files are.
func TestThunderbirdRelaxNG(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing (Debian libxml2-utils; scripts/install-deps.sh installs it)")
		}
		t.Skip("xmllint not installed (Debian libxml2-utils)")
	}
	schema := filepath.Join("testdata", "autoconfig-spec", "autoconfig.rng")
	dir := t.TempDir()
	fixtures := roundTripFixtures()
	fixtures["oauth2"] = writerFixtures["oauth2"]
	fixtures["domain"] = writerFixtures["domain"]
	var files []string
	for name, st := range fixtures {
		var b bytes.Buffer
		if _, err := WriteThunderbird(&b, st); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out, err := exec.Command(xmllint, append([]string{"--noout", "--relaxng", schema}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}
