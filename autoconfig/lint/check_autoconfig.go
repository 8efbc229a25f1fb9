package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// checkAutoconfigDoc checks one clientConfig document: the draft's schema,
// the <domain> asked, placeholders, and passwords without TLS.
func (v *view) checkAutoconfigDoc(f *findings, lk *autoconfig.Lookup) {
	if errs := ValidateAutoconfig(lk.Document); len(errs) > 0 {
		f.add(newFinding(findAutoconfigInvalid, "", autoconfig.Values{"url": lk.Query, "problems": strings.Join(errs, "; ")}))
	}
	raw := parseRaw(lk.Document)
	if raw == nil {
		return
	}
	if !containsFold(raw.Domains, v.domain) {
		f.add(newFinding(findAutoconfigDomainMissing, "", autoconfig.Values{"url": lk.Query, "list": fmt.Sprint(raw.Domains), "domain": v.domain}))
	}
	for i, s := range raw.Servers {
		where := func(more autoconfig.Values) autoconfig.Values {
			more["url"], more["element"], more["n"], more["type"] = lk.Query, s.elem(), strconv.Itoa(i+1), s.Type
			return more
		}
		for _, field := range []struct {
			name string
			val  *string
		}{{"hostname", s.Hostname}, {"username", s.Username}} {
			if field.val == nil {
				continue
			}
			if bad := badPlaceholder(*field.val); bad != "" {
				f.add(newFinding(findAutoconfigPlaceholder, "", where(autoconfig.Values{"field": field.name, "value": strconv.Quote(*field.val), "problem": bad})))
			}
		}
		if s.Socket != nil && strings.EqualFold(*s.Socket, "plain") {
			if sendsPassword(s.Auth) {
				f.add(newFinding(findCleartextPassword, "", where(autoconfig.Values{"auth": fmt.Sprint(s.Auth)})))
			} else {
				f.add(newFinding(findNoEncryption, "", where(autoconfig.Values{})))
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
