package probe_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestRedactEchoedBlobs: a server that echoes the SASL blob postino sent
// (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) in its refusal gets no credential
// into the auth phase, the transcript, the findings or the JSON. The
// blobs carry the password or token at an offset that its own base64
// does not match (issue 9).
func TestRedactEchoedBlobs(t *testing.T) {
	t.Parallel()
	const user, pass, token = "alice@example.test", "s3cret-Pässword", "ya29.a0-secret-token"
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tlsStep := probetest.Step{TLS: goodCert()}
	imapPre := func(mech string) []probetest.Step {
		caps := "IMAP4rev1 SASL-IR AUTH=" + mech
		return []probetest.Step{tlsStep, {Send: "* OK [CAPABILITY " + caps + "] ready"},
			{Expect: "T1 CAPABILITY", Send: "* CAPABILITY " + caps + "\n{tag} OK done"}}
	}
	smtpPre := func(mechs string) []probetest.Step {
		ehlo := "250-smtp.example.test\n250 AUTH " + mechs
		return []probetest.Step{tlsStep, {Send: "220 smtp.example.test ESMTP"}, {Expect: "EHLO", Send: ehlo}, {Expect: "EHLO", Send: ehlo}}
	}
	quit := probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true}
	cases := []struct {
		name   string
		proto  autoconfig.Protocol
		cr     *probe.Credentials
		steps  []probetest.Step
		secret string // what must not show, beside the blob
		blob   string // what postino sent, base64
	}{
		{"imap plain", autoconfig.IMAP, &probe.Credentials{Username: user, Password: pass},
			append(imapPre("PLAIN"), probetest.Step{Expect: "T2 AUTHENTICATE PLAIN", Send: "{tag} NO [AUTHENTICATIONFAILED] you sent {last}"}),
			pass, b("\x00" + user + "\x00" + pass)},
		{"smtp plain", autoconfig.SMTP, &probe.Credentials{Username: user, Password: pass},
			append(smtpPre("PLAIN"), probetest.Step{Expect: "AUTH PLAIN", Send: "535 5.7.8 bad credentials {last}"}, quit),
			pass, b("\x00" + user + "\x00" + pass)},
		{"smtp login", autoconfig.SMTP, &probe.Credentials{Username: user, Password: pass},
			append(smtpPre("LOGIN"), probetest.Step{Expect: "AUTH LOGIN", Send: "334 UGFzc3dvcmQ6"}, // the user name came with AUTH
				probetest.Step{Expect: b(pass)[:8], Send: "535 5.7.8 bad password {last}"}, quit),
			pass, b(pass)},
		{"imap xoauth2", autoconfig.IMAP, &probe.Credentials{Username: user, OAuth2Token: token},
			append(imapPre("XOAUTH2"), probetest.Step{Expect: "T2 AUTHENTICATE XOAUTH2", Send: "{tag} NO [AUTHENTICATIONFAILED] you sent {last}"}),
			token, b("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")},
		{"smtp xoauth2", autoconfig.SMTP, &probe.Credentials{Username: user, OAuth2Token: token},
			append(smtpPre("XOAUTH2"), probetest.Step{Expect: "AUTH XOAUTH2", Send: "535 5.7.8 bad token {last}"}, quit),
			token, b("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")},
		{"imap oauthbearer", autoconfig.IMAP, &probe.Credentials{Username: user, OAuth2Token: token},
			append(imapPre("OAUTHBEARER"), probetest.Step{Expect: "T2 AUTHENTICATE OAUTHBEARER", Send: "{tag} NO [AUTHENTICATIONFAILED] you sent {last}"}),
			token, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			port := probetest.StartScript(t, c.steps...).Port()
			d := diagnose(t, 3*time.Second, server(c.proto, autoconfig.SecurityTLS, port), &probe.DiagnoseOptions{Trusted: true, Login: c.cr})
			if d.Login == nil || d.Login.OK || len(d.Findings) == 0 {
				t.Fatalf("login %+v, findings %v: want a refused login", d.Login, diagCodes(d))
			}
			js, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			texts := append(diagnosisTexts(d), string(js))
			for _, s := range texts {
				if strings.Contains(s, c.secret) || (c.blob != "" && strings.Contains(s, c.blob)) {
					t.Errorf("credential in %q", s)
				}
				// Any base64 run long enough to hold the token or
				// password: decode it and look inside.
				for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !strings.ContainsRune(b64Alphabet, r) }) {
					if raw, err := base64.StdEncoding.DecodeString(w); err == nil && strings.Contains(string(raw), c.secret) {
						t.Errorf("base64 %q (%q) in %q", w, raw, s)
					}
				}
			}
			if !strings.Contains(string(js), "you sent "+probe.Redacted) && !strings.Contains(string(js), "credentials "+probe.Redacted) &&
				!strings.Contains(string(js), "token "+probe.Redacted) && !strings.Contains(string(js), "password "+probe.Redacted) {
				t.Errorf("the echo is not shown redacted: %s", js)
			}
		})
	}
}

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
