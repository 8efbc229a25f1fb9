package autoconfig

import (
	"crypto/sha1"
	"fmt"
	"io"
	"strings"
)

// WriteMobileconfig writes st as an Apple configuration profile
// (.mobileconfig) with one com.apple.mail.managed payload, for iOS, iPadOS,
// macOS and visionOS. It needs an incoming and an outgoing server
// (ErrIncomplete).
//
// The profile never holds a password: Apple allows passwords only in
// encrypted profiles, and a profile is a file people mail around. The
// device asks for the password when the profile is installed.
//
// The format holds one incoming and one outgoing server, cannot tell
// STARTTLS from implicit TLS and knows no OAuth2; every such loss is
// returned.
func WriteMobileconfig(w io.Writer, st Settings) ([]Loss, error) {
	if err := st.need("mobileconfig", true, true); err != nil {
		return nil, err
	}
	var ls losses
	in, out := st.Incoming[0], st.Outgoing[0]
	ls.extraServers("a .mobileconfig", "incoming", in, st.Incoming[1:])
	ls.extraServers("a .mobileconfig", "outgoing", out, st.Outgoing[1:])

	a := st.Address
	profileUUID, mailUUID := profileUUIDs(a)
	ident := reverseDomain(a.Domain) + ".postino." + strings.ToLower(profileUUID)
	mail := plistDict{
		"PayloadType":             "com.apple.mail.managed",
		"PayloadVersion":          1,
		"PayloadIdentifier":       ident + ".mail",
		"PayloadUUID":             mailUUID,
		"PayloadDisplayName":      "Mail (" + a.String() + ")",
		"PayloadDescription":      "Mail account " + a.String(),
		"EmailAccountDescription": st.displayName(),
		"EmailAccountType":        "EmailTypeIMAP",
	}
	if in.Protocol == POP3 {
		mail["EmailAccountType"] = "EmailTypePOP"
	}
	if a.HasLocal() {
		mail["EmailAddress"] = a.String()
	}
	apple := func(prefix string, s Server) string {
		ls.assumed(s)
		mail[prefix+"MailServerHostName"] = s.Host
		mail[prefix+"MailServerPortNumber"] = s.Port
		mail[prefix+"MailServerUseSSL"] = s.Security != SecurityNone
		mail[prefix+"MailServerAuthentication"] = appleAuth(s, &ls)
		if s.Security == SecurityStartTLS {
			ls.add(&s, "a .mobileconfig cannot say STARTTLS (it has only UseSSL); Mail chooses how to start TLS itself")
		}
		login := st.concreteLogin(s)
		if login != "" {
			mail[prefix+"MailServerUsername"] = login
		} else if a.HasLocal() {
			ls.add(&s, "the login name %q cannot be filled in; left out, so the device asks for it", s.Username)
		}
		return login
	}
	inLogin, outLogin := apple("Incoming", in), apple("Outgoing", out)
	if _, ok := st.POP3[in.Key()]; ok && in.Protocol == POP3 {
		ls.add(&in, "a .mobileconfig cannot say whether to leave mail on the server; the device's default applies")
	}
	// One password prompt for both servers when they share the login.
	mail["OutgoingPasswordSameAsIncomingPassword"] = inLogin == outLogin

	profile := plistDict{
		"PayloadType":              "Configuration",
		"PayloadVersion":           1,
		"PayloadIdentifier":        ident,
		"PayloadUUID":              profileUUID,
		"PayloadDisplayName":       "Mail: " + a.String(),
		"PayloadDescription":       "Mail settings for " + a.String() + ", written by postino. The password is asked for when the profile is installed." + adviceSentences(st.Advice),
		"PayloadOrganization":      st.displayName(),
		"PayloadRemovalDisallowed": false,
		"PayloadContent":           []plistDict{mail},
	}
	b, err := encodePlist(profile)
	if err != nil {
		return nil, err
	}
	_, err = w.Write(b)
	return ls, err
}

// appleAuth picks the profile's authentication value: a password where
// the server takes one (over TLS a plain password is as good as any), else
// the closest Apple has, reporting what it cannot say.
func appleAuth(s Server, ls *losses) string {
	has := map[AuthMethod]bool{}
	for _, m := range s.Auth {
		has[m] = true
	}
	switch {
	case len(s.Auth) == 0 || has[AuthPasswordCleartext]:
		return "EmailAuthPassword"
	case has[AuthPasswordEncrypted]:
		ls.add(&s, "the server wants an encrypted password; the profile says CRAM-MD5, the only such method Apple names")
		return "EmailAuthCRAMMD5"
	case has[AuthNTLM]:
		return "EmailAuthNTLM"
	case has[AuthNone] || has[AuthClientIP]:
		if has[AuthClientIP] {
			ls.add(&s, "a .mobileconfig cannot say that sending without login works only from the provider's own network")
		}
		return "EmailAuthNone"
	case has[AuthOAuth2]:
		ls.add(&s, "a .mobileconfig cannot configure OAuth2; the device asks for a password (an app password, where the provider offers them)")
	default:
		ls.add(&s, "a .mobileconfig cannot express %s; written as a password", s.Auth[0])
	}
	return "EmailAuthPassword"
}

// mobileconfigNamespace is the name-based UUID namespace of postino's
// profiles: the version 5 UUID of postino's repository URL in the URL
// namespace of RFC 9562. Fixing it keeps every UUID stable across runs and
// machines, so a new profile for the same address replaces the old one.
var mobileconfigNamespace = nameUUID(
	[16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8},
	"https://github.com/postino-mail/postino/mobileconfig")

// profileUUIDs are the profile's and the mail payload's UUIDs for a.
func profileUUIDs(a Address) (profile, mail string) {
	return formatUUID(nameUUID(mobileconfigNamespace, "profile:"+a.String())),
		formatUUID(nameUUID(mobileconfigNamespace, "mail:"+a.String()))
}

// nameUUID is a version 5 (SHA-1, name-based) UUID (RFC 9562 section 5.5).
func nameUUID(namespace [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

func formatUUID(u [16]byte) string {
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}

// reverseDomain turns mail.example.com into com.example.mail, the form of
// profile identifiers.
func reverseDomain(d string) string {
	labels := strings.Split(d, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".")
}

// adviceSentences is the advice as sentences after the profile's
// description, the one free text a profile shows before it is installed.
func adviceSentences(as []Advice) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(" ")
		b.WriteString(strings.TrimRight(a.String(), "."))
		b.WriteString(".")
	}
	return b.String()
}
