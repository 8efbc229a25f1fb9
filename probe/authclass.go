package probe

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"
	"github.com/postino-mail/postino/autoconfig"
)

// Finding codes for logins.
const (
	CodeAuthWrongPassword    = "auth.wrong-password"
	CodeAuthAppPassword      = "auth.app-password-required"
	CodeAuthOAuth2Required   = "auth.oauth2-required"
	CodeAuthProtocolDisabled = "auth.protocol-disabled"
	CodeAuthTemporary        = "auth.temporary"
	CodeAuthFailed           = "auth.failed"
	CodeAuthUntrusted        = "auth.untrusted-server"
	CodeAuthPlaintext        = "auth.plaintext-refused"
)

// authReply is a server's answer to a login, from whichever library.
type authReply struct {
	smtpCode int    // 535, 534, 454 …
	enhanced string // "5.7.8"
	respCode string // IMAP response code: AUTHENTICATIONFAILED, UNAVAILABLE …
	text     string
}

func (a authReply) String() string {
	var parts []string
	if a.smtpCode != 0 {
		parts = append(parts, fmt.Sprint(a.smtpCode))
	}
	if a.enhanced != "" {
		parts = append(parts, a.enhanced)
	}
	if a.respCode != "" {
		parts = append(parts, "["+a.respCode+"]")
	}
	parts = append(parts, a.text)
	return printable(strings.Join(parts, " "), 300)
}

// replyOf extracts the server's answer from a library error.
func replyOf(err error) authReply {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		r := authReply{smtpCode: se.Code, text: se.Message}
		if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != (smtp.EnhancedCode{}) {
			r.enhanced = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		return r
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return authReply{respCode: string(ie.Code), text: ie.Text}
	}
	return authReply{text: err.Error()}
}

var (
	reAppPassword = regexp.MustCompile(`(?i)application-specific password|app password|InvalidSecondFactor`)
	reOAuthOnly   = regexp.MustCompile(`(?i)basic auth(entication)? (is )?(disabled|not supported)|SmtpClientAuthentication is disabled|smtp_auth_disabled|oauth2? (is )?required`)
	reDisabled    = regexp.MustCompile(`(?i)not enabled for (imap|pop)|(imap|pop3?) (access )?(is )?(disabled|not enabled)|disabled for (imap|pop)|web login required`)
	reTemporary   = regexp.MustCompile(`(?i)try (again )?later|temporar|unavailable|\[SYS/TEMP\]|\[IN-USE\]`)
	reWrongPass   = regexp.MustCompile(`(?i)invalid (credentials|password|user)|authentication failed|bad password|username and password not accepted|\[AUTH\]|incorrect|logon failure`)
)

// classifyAuth turns a refused login into the finding a person can act
// on: the codes and texts of Gmail, Microsoft 365 and standard servers
// (RFC 4954 section 6, RFC 5530, RFC 3206).
func classifyAuth(s autoconfig.Server, a authReply, user string) autoconfig.Finding {
	said := a.String()
	all := said
	v := autoconfig.Values{"user": user, "said": said}
	switch {
	case a.enhanced == "5.7.9" || a.smtpCode == 534 || reAppPassword.MatchString(all):
		return findAuthAppPassword.On(s, v)
	case a.enhanced == "5.7.139" || a.enhanced == "5.7.30" || reOAuthOnly.MatchString(all):
		return findAuthOAuth2Required.On(s, v)
	case reDisabled.MatchString(all):
		v["protocol"] = strings.ToUpper(string(s.Protocol))
		return findAuthProtocolDisabled.On(s, v)
	case a.respCode == string(imap.ResponseCodeAuthenticationFailed) || a.enhanced == "5.7.8" || (a.smtpCode == 535 && a.enhanced == ""):
		return findAuthWrongPassword.On(s, v)
	case a.respCode == string(imap.ResponseCodeUnavailable) || (a.smtpCode >= 400 && a.smtpCode < 500) || reTemporary.MatchString(all):
		return findAuthTemporary.On(s, v)
	case a.smtpCode == 535 || reWrongPass.MatchString(all) || (a.respCode == "" && a.smtpCode == 0):
		return findAuthWrongPassword.On(s, v)
	}
	return findAuthRefused.On(s, v)
}
