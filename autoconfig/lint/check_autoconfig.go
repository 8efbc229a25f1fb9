package lint

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// checkAutoconfigDoc checks one clientConfig document: the draft's schema,
// the <domain> asked, placeholders, and passwords without TLS.
func (v *view) checkAutoconfigDoc(f *findings, lk *autoconfig.Lookup) {
	if errs := ValidateAutoconfig(lk.Document); len(errs) > 0 {
		f.add("lint.autoconfig-invalid", sevError, "", fmt.Sprintf("%s is not valid against the autoconfig schema: %s", lk.Query, strings.Join(errs, "; ")),
			"correct the file until xmllint --noout --relaxng autoconfig.rng accepts it (draft-ietf-mailmaint-autoconfig); postino config --format thunderbird writes a valid one")
	}
	raw := parseRaw(lk.Document)
	if raw == nil {
		return
	}
	if !containsFold(raw.Domains, v.domain) {
		f.add("lint.autoconfig-domain-missing", sevWarning, "",
			fmt.Sprintf("%s lists the domains %v, not %s", lk.Query, raw.Domains, v.domain),
			fmt.Sprintf("add <domain>%s</domain> to the emailProvider: Thunderbird needs a <domain>, and the draft matches the domain asked against the list", v.domain))
	}
	for i, s := range raw.Servers {
		where := fmt.Sprintf("%s %s %d (%s)", lk.Query, s.elem(), i+1, s.Type)
		for _, field := range []struct {
			name string
			val  *string
		}{{"hostname", s.Hostname}, {"username", s.Username}} {
			if field.val == nil {
				continue
			}
			if bad := badPlaceholder(*field.val); bad != "" {
				f.add("lint.autoconfig-placeholder", sevError, "", fmt.Sprintf("%s: %s %q %s", where, field.name, *field.val, bad),
					"write the placeholders exactly: %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%; clients send anything else literally as the login name")
			}
		}
		if s.Socket != nil && strings.EqualFold(*s.Socket, "plain") {
			if sendsPassword(s.Auth) {
				f.add("lint.cleartext-password", sevError, "", fmt.Sprintf("%s: socketType plain with %v: the password crosses the network unencrypted", where, s.Auth),
					"offer implicit TLS (RFC 8314) or STARTTLS and publish socketType SSL or STARTTLS")
			} else {
				f.add("lint.no-encryption", sevWarning, "", fmt.Sprintf("%s: socketType plain: mail crosses the network unencrypted", where),
					"offer implicit TLS (RFC 8314) or STARTTLS and publish socketType SSL or STARTTLS")
			}
		}
	}
}

// badPlaceholder says what is wrong with the placeholders in s, "" if
// nothing: an unpaired % or a name clients do not expand.
func badPlaceholder(s string) string {
	rest := s
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(rest[i+1:], '%')
		if j < 0 {
			return "has a % without its closing % (a broken placeholder)"
		}
		switch name := rest[i+1 : i+1+j]; name {
		case "EMAILADDRESS", "EMAILLOCALPART", "EMAILDOMAIN", "REALNAME":
		default:
			return fmt.Sprintf("uses %%%s%%, which clients do not expand", name)
		}
		rest = rest[i+1+j+1:]
	}
}

// sendsPassword: the methods send a password, or none is named (clients
// then assume a cleartext password).
func sendsPassword(auth []string) bool {
	if len(auth) == 0 {
		return true
	}
	for _, a := range auth {
		switch strings.ToLower(a) {
		case "password-cleartext", "plain", "password-encrypted", "secure", "ntlm":
			return true
		}
	}
	return false
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(strings.TrimSuffix(x, "."), s) {
			return true
		}
	}
	return false
}
