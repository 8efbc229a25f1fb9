package autoconfig

import "strings"

// authFromProbe derives the authentication methods a server offers from
// what its probe saw, for candidates whose source did not say (SRV records
// and guesses carry no authentication). Order: Thunderbird's preference
// for passwords (encrypted before cleartext), then OAuth2, then the rest.
func authFromProbe(p Protocol, r *ProbeResult) []AuthMethod {
	if r == nil || r.Status != ProbeOK {
		return nil
	}
	has := map[AuthMethod]bool{}
	for _, m := range r.SASL {
		switch m = strings.ToUpper(m); {
		case m == "PLAIN" || m == "LOGIN":
			has[AuthPasswordCleartext] = true
		case m == "CRAM-MD5" || m == "DIGEST-MD5" || strings.HasPrefix(m, "SCRAM-"):
			has[AuthPasswordEncrypted] = true
		case m == "XOAUTH2" || m == "OAUTHBEARER":
			has[AuthOAuth2] = true
		case m == "NTLM":
			has[AuthNTLM] = true
		case m == "GSSAPI":
			has[AuthGSSAPI] = true
		}
	}
	caps := map[string]bool{}
	for _, c := range r.Capabilities {
		caps[strings.ToUpper(c)] = true
	}
	// IMAP LOGIN and POP3 USER/PASS are cleartext passwords without SASL.
	if p == IMAP && !caps["LOGINDISABLED"] {
		has[AuthPasswordCleartext] = true
	}
	if p == POP3 && caps["USER"] {
		has[AuthPasswordCleartext] = true
	}
	var out []AuthMethod
	for _, m := range []AuthMethod{AuthPasswordEncrypted, AuthPasswordCleartext, AuthOAuth2, AuthGSSAPI, AuthNTLM} {
		if has[m] {
			out = append(out, m)
		}
	}
	return out
}
