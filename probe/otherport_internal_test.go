package probe

import (
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

func TestOtherPort(t *testing.T) {
	cases := []struct {
		in   autoconfig.Server
		want string // "" for none
	}{
		{autoconfig.Server{Protocol: autoconfig.IMAP, Host: "h", Port: 993, Security: autoconfig.SecurityTLS}, "imap h:143 (starttls)"},
		{autoconfig.Server{Protocol: autoconfig.IMAP, Host: "h", Port: 143, Security: autoconfig.SecurityStartTLS}, "imap h:993 (tls)"},
		{autoconfig.Server{Protocol: autoconfig.POP3, Host: "h", Port: 995, Security: autoconfig.SecurityTLS}, "pop3 h:110 (starttls)"},
		{autoconfig.Server{Protocol: autoconfig.SMTP, Host: "h", Port: 465, Security: autoconfig.SecurityTLS}, "smtp h:587 (starttls)"},
		{autoconfig.Server{Protocol: autoconfig.SMTP, Host: "h", Port: 587, Security: autoconfig.SecurityStartTLS}, "smtp h:465 (tls)"},
		{autoconfig.Server{Protocol: autoconfig.SMTP, Host: "h", Port: 25, Security: autoconfig.SecurityStartTLS}, ""},
		{autoconfig.Server{Protocol: autoconfig.IMAP, Host: "h", Port: 10993, Security: autoconfig.SecurityTLS}, ""},
		{autoconfig.Server{Protocol: autoconfig.IMAP, Host: "h", Port: 143, Security: autoconfig.SecurityNone}, ""},
	}
	for _, c := range cases {
		got, ok := otherPort(c.in)
		if (ok && got.String() != c.want) || (!ok && c.want != "") {
			t.Errorf("otherPort(%s) = %s, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
