package autoconfig

import (
	"slices"
	"strconv"
)

// textClients word the manual setup of each client in its own labels and
// values, as its settings screens show them.
var textClients = map[string]textClient{
	"":             genericSheet,
	"thunderbird":  thunderbirdSheet,
	"outlook":      outlookSheet,
	"apple-mail":   appleMailSheet,
	"ios":          iosSheet,
	"android":      androidSheet,
	"windows-mail": windowsMailSheet,
	"k9":           k9Sheet,
}

// threeWay names the security in clients that offer all three modes.
func threeWay(none, starttls, tls string) func(Server) string {
	return func(s Server) string {
		switch s.Security {
		case SecurityTLS:
			return tls
		case SecurityStartTLS:
			return starttls
		}
		return none
	}
}

func onOff(on, off string, v bool) string {
	if v {
		return on
	}
	return off
}

// ifLogin is v for a server that needs a login, "" (not applicable)
// otherwise.
func ifLogin(s Server, v string) string {
	if noLogin(s) {
		return ""
	}
	return v
}

func port(s Server) string { return strconv.Itoa(s.Port) }

func genericSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := threeWay("none (no encryption)", "STARTTLS", "implicit TLS (SSL/TLS)")
	auth := func(s Server) string {
		// The sources' order, as every client sheet reads it.
		switch firstAuth(s, AuthPasswordCleartext, AuthPasswordEncrypted, AuthOAuth2) {
		case AuthPasswordCleartext:
			return "password"
		case AuthPasswordEncrypted:
			return "encrypted password (CRAM-MD5, SCRAM)"
		case AuthOAuth2:
			return "OAuth2"
		}
		switch {
		case noLogin(s):
			return "none"
		case len(s.Auth) > 0:
			return string(s.Auth[0])
		}
		return "password"
	}
	return textSheet{
		heads: [2]string{"Incoming", "Outgoing"},
		rows: [][3]string{
			{"Protocol", protoName(in), protoName(out)},
			{"Server", in.Host, out.Host},
			{"Port", port(in), port(out)},
			{"Security", sec(in), sec(out)},
			{"Username", st.loginText(in), st.loginText(out)},
			{"Authentication", auth(in), auth(out)},
		},
		security: sec,
	}
}

func thunderbirdSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := threeWay("None", "STARTTLS", "SSL/TLS")
	auth := func(s Server) string {
		for _, m := range s.Auth {
			switch m {
			case AuthPasswordCleartext:
				return "Normal password"
			case AuthPasswordEncrypted:
				return "Encrypted password"
			case AuthOAuth2:
				return "OAuth2"
			case AuthGSSAPI:
				return "Kerberos / GSSAPI"
			case AuthNTLM:
				return "NTLM"
			case AuthTLSClientCert:
				return "TLS Certificate"
			case AuthNone, AuthClientIP:
				return "No authentication"
			}
		}
		return "Normal password"
	}
	return textSheet{
		client: "Thunderbird",
		steps: []string{
			"Open ☰ → Account Settings → Account Actions → Add Mail Account…",
			"Enter your name, email address and password, then choose \"Configure manually\".",
			"Fill in the fields below, then \"Re-test\" and \"Done\".",
		},
		heads: [2]string{"Incoming Server", "Outgoing Server"},
		rows: [][3]string{
			{"Protocol", protoName(in), protoName(out)},
			{"Hostname", in.Host, out.Host},
			{"Port", port(in), port(out)},
			{"Connection security", sec(in), sec(out)},
			{"Authentication method", auth(in), auth(out)},
			{"Username", st.loginText(in), st.loginText(out)},
		},
		security: sec,
	}
}

func outlookSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := threeWay("None", "STARTTLS", "SSL/TLS")
	spa := func(s Server) string {
		if hasAuth(s, AuthPasswordEncrypted) && !hasAuth(s, AuthPasswordCleartext) {
			ls.add(&s, "Outlook has no setting for an encrypted password (CRAM-MD5, SCRAM); SPA means NTLM")
		}
		unsayable(ls, "Outlook", s, func(m AuthMethod) bool {
			return m == AuthPasswordCleartext || m == AuthPasswordEncrypted || m == AuthNTLM || m == AuthNone || m == AuthClientIP
		})
		return onOff("ticked", "not ticked", hasAuth(s, AuthNTLM) && !hasAuth(s, AuthPasswordCleartext))
	}
	sameLogin := st.loginText(in) == st.loginText(out)
	sh := textSheet{
		client: "Outlook (classic, for Windows)",
		steps: []string{
			"File → Add Account; enter the email address.",
			"Open \"Advanced options\", tick \"Let me set up my account manually\", then Connect.",
			"Choose " + protoName(in) + " and fill in the fields below; later, File → Account Settings → Server Settings shows them again.",
		},
		heads: [2]string{"Incoming mail", "Outgoing mail"},
		rows: [][3]string{
			{"User Name", st.loginText(in), onOff("", st.loginText(out), sameLogin)},
			{"Server", in.Host, out.Host},
			{"Port", port(in), port(out)},
			{"Encryption method", sec(in), sec(out)},
			{"Require logon using Secure Password Authentication (SPA)", spa(in), spa(out)},
			{"My outgoing (SMTP) server requires authentication", "", onOff("not ticked", "ticked", noLogin(out))},
			{"Use same settings as my incoming mail server", "", ifLogin(out, onOff("selected", "not selected", sameLogin))},
		},
		security: sec,
	}
	return sh
}

func appleMailSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := func(s Server) string { return onOff("ticked", "not ticked", s.Security != SecurityNone) }
	startTLSUnsayable(ls, "Apple Mail", in, out)
	return textSheet{
		client: "Apple Mail (macOS)",
		steps: []string{
			"Mail → Add Account… → Other Mail Account…; enter name, email address and password.",
			"When Mail asks for the servers, give the account type, user name and host names below.",
			"Then Mail → Settings → Accounts → Server Settings: untick \"Automatically manage connection settings\" and set the port, TLS and authentication below.",
		},
		heads: [2]string{"Incoming Mail Server", "Outgoing Mail Server"},
		rows: [][3]string{
			{"Account Type", onOff("POP", "IMAP", in.Protocol == POP3), ""},
			{"User Name", st.loginText(in), st.loginText(out)},
			{"Host Name", in.Host, out.Host},
			{"Port", port(in), port(out)},
			{"Use TLS/SSL", sec(in), sec(out)},
			{"Authentication", appleAuthLabel(in, "Apple Mail", ls, "Password", "MD5 Challenge-Response", "Kerberos Version 5 (GSSAPI)"),
				appleAuthLabel(out, "Apple Mail", ls, "Password", "MD5 Challenge-Response", "Kerberos Version 5 (GSSAPI)")},
		},
		security: func(s Server) string { return "Use TLS/SSL " + sec(s) },
	}
}

// appleAuthLabel names the method in Apple's words; gssapi is "" where
// the client has no Kerberos choice.
func appleAuthLabel(s Server, client string, ls *losses, password, md5, gssapi string) string {
	switch {
	case hasAuth(s, AuthPasswordCleartext):
		return password
	case hasAuth(s, AuthPasswordEncrypted):
		return md5
	case hasAuth(s, AuthNTLM):
		return "NTLM"
	case hasAuth(s, AuthGSSAPI) && gssapi != "":
		return gssapi
	case noLogin(s):
		return "None"
	}
	unsayable(ls, client, s, func(AuthMethod) bool { return false })
	return password
}

func iosSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := func(s Server) string { return onOff("On", "Off", s.Security != SecurityNone) }
	startTLSUnsayable(ls, "iOS Mail", in, out)
	return textSheet{
		client: "iPhone and iPad (Mail)",
		steps: []string{
			"Settings → Apps → Mail → Mail Accounts → Add Account → Other → Add Mail Account; enter Name, Email, Password, Description; Next.",
			"Choose " + onOff("POP", "IMAP", in.Protocol == POP3) + " and fill in Host Name and User Name for both servers; Save.",
			"Then open the account → Account → Advanced for the incoming Use SSL, Authentication and Server Port, and Account → SMTP → the server for the outgoing ones.",
		},
		heads: [2]string{"Incoming Mail Server", "Outgoing Mail Server"},
		rows: [][3]string{
			{"Account type", onOff("POP", "IMAP", in.Protocol == POP3), ""},
			{"Host Name", in.Host, out.Host},
			{"User Name", st.loginText(in), st.loginText(out)},
			{"Use SSL", sec(in), sec(out)},
			{"Authentication", appleAuthLabel(in, "iOS Mail", ls, "Password", "MD5 Challenge-Response", ""),
				appleAuthLabel(out, "iOS Mail", ls, "Password", "MD5 Challenge-Response", "")},
			{"Server Port", port(in), port(out)},
		},
		security: func(s Server) string { return "Use SSL " + sec(s) },
	}
}

func androidSheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := threeWay("None", "STARTTLS", "SSL/TLS")
	for _, s := range []Server{in, out} {
		if !passwordLogin(s) && !noLogin(s) {
			unsayable(ls, "The Gmail app", s, func(AuthMethod) bool { return false })
		} else if hasAuth(s, AuthPasswordEncrypted) && !hasAuth(s, AuthPasswordCleartext) {
			ls.add(&s, "the Gmail app has no setting for an encrypted password (CRAM-MD5, SCRAM)")
		}
	}
	return textSheet{
		client: "the Gmail app for Android",
		steps: []string{
			"Gmail → your profile picture → Add another account → Other; enter the email address.",
			"Choose \"" + onOff("Personal (POP3)", "Personal (IMAP)", in.Protocol == POP3) + "\", enter the password, then the fields below.",
		},
		heads: [2]string{"Incoming server settings", "Outgoing server settings"},
		rows: [][3]string{
			{"Require sign-in", "", onOff("off", "on", noLogin(out))},
			{"Username", st.loginText(in), onOff("", st.loginText(out), noLogin(out))},
			{"Server", in.Host, out.Host},
			{"Port", port(in), port(out)},
			{"Security type", sec(in), sec(out)},
		},
		security: sec,
		notes:    []string{"other Android mail apps (K-9 Mail, Thunderbird for Android: --client k9) ask for the same values."},
	}
}

func windowsMailSheet(st Settings, in, out Server, ls *losses) textSheet {
	yesNo := func(s Server) string { return onOff("ticked", "not ticked", s.Security != SecurityNone) }
	startTLSUnsayable(ls, "Windows Mail", in, out)
	for _, s := range []Server{in, out} {
		if !passwordLogin(s) && !noLogin(s) {
			unsayable(ls, "Windows Mail", s, func(AuthMethod) bool { return false })
		}
	}
	sameLogin := st.loginText(in) == st.loginText(out)
	return textSheet{
		client: "Windows Mail",
		steps: []string{
			"Mail → Settings → Manage accounts → Add account → Advanced setup → Internet email.",
			"Fill in the fields below; the port goes after the server name, separated by a colon.",
		},
		heads: [2]string{"Incoming", "Outgoing"},
		rows: [][3]string{
			{"Account type", onOff("POP3", "IMAP4", in.Protocol == POP3), ""},
			{"User name", st.loginText(in), onOff("", st.loginText(out), sameLogin)},
			{"Incoming email server / Outgoing (SMTP) email server", in.Host + ":" + port(in), out.Host + ":" + port(out)},
			{"Require SSL for incoming / outgoing email", yesNo(in), yesNo(out)},
			{"Outgoing server requires authentication", "", onOff("not ticked", "ticked", noLogin(out))},
			{"Use the same user name and password for sending email", "", ifLogin(out, onOff("ticked", "not ticked", sameLogin))},
		},
		security: func(s Server) string { return "Require SSL " + yesNo(s) },
	}
}

func k9Sheet(st Settings, in, out Server, ls *losses) textSheet {
	sec := threeWay("None", "STARTTLS", "SSL/TLS")
	auth := func(s Server) string {
		// The sources' order, as Thunderbird's sheet reads it: a provider
		// that lists OAuth2 first (Gmail) gets OAuth 2.0 in both.
		switch firstAuth(s, AuthPasswordCleartext, AuthPasswordEncrypted, AuthTLSClientCert, AuthOAuth2) {
		case AuthPasswordCleartext:
			return "Normal password"
		case AuthPasswordEncrypted:
			return "Encrypted password"
		case AuthTLSClientCert:
			return "Client certificate"
		case AuthOAuth2:
			ls.add(&s, "K-9 Mail and Thunderbird for Android use OAuth2 only with providers they know")
			return "OAuth 2.0"
		}
		if noLogin(s) {
			return "None"
		}
		unsayable(ls, "K-9 Mail", s, func(AuthMethod) bool { return false })
		return "Normal password"
	}
	return textSheet{
		client: "K-9 Mail / Thunderbird for Android",
		steps: []string{
			"Add account; enter the email address, then choose manual setup (\"Edit server settings\").",
			"Choose " + protoName(in) + " and fill in the incoming, then the outgoing server settings below.",
		},
		heads: [2]string{"Incoming server", "Outgoing server"},
		rows: [][3]string{
			{"Server", in.Host, out.Host},
			{"Security", sec(in), sec(out)},
			{"Port", port(in), port(out)},
			{"Username", st.loginText(in), st.loginText(out)},
			{"Authentication", auth(in), auth(out)},
		},
		security: sec,
	}
}

// firstAuth is the first of the server's methods, in the sources' order of
// preference, that is among usable; a server whose sources named none
// takes a password. "" when none is usable.
func firstAuth(s Server, usable ...AuthMethod) AuthMethod {
	if len(s.Auth) == 0 {
		return AuthPasswordCleartext
	}
	for _, m := range s.Auth {
		if slices.Contains(usable, m) {
			return m
		}
	}
	return ""
}
