package autoconfig

import (
	"fmt"
	"strings"
)

// loginForm is how a server's login name relates to the account address.
// Writers need it both ways: Thunderbird's format wants the placeholder
// back (%EMAILADDRESS%), the others want the name a person types.
type loginForm int

const (
	loginAddress loginForm = iota // the whole address (and the assumption when no source said)
	loginLocal                    // the local part alone
	loginFixed                    // anything else, kept as written
)

// login classifies s's login name for st.Address; the string is the name
// as written for loginFixed.
func (st Settings) login(s Server) (loginForm, string) {
	a, u := st.Address, s.Username
	switch {
	case u == "" || u == "%EMAILADDRESS%" || u == "%EMAILLOCALPART%@"+a.Domain || u == "%EMAILLOCALPART%@%EMAILDOMAIN%":
		return loginAddress, ""
	case u == "%EMAILLOCALPART%":
		return loginLocal, ""
	case a.HasLocal() && sameAddress(u, a):
		return loginAddress, ""
	case a.HasLocal() && u == a.Local:
		return loginLocal, ""
	}
	return loginFixed, u
}

// sameAddress compares u with a, the domain without regard to case (the
// local part is the server's business, so it must match exactly).
func sameAddress(u string, a Address) bool {
	i := strings.LastIndexByte(u, '@')
	return i > 0 && u[:i] == a.Local && strings.EqualFold(u[i+1:], a.Domain)
}

// templateLogin is s's login name in clientConfig form: the address and
// its local part become %EMAILADDRESS% and %EMAILLOCALPART%, so the file
// also serves the domain's other mailboxes.
func (st Settings) templateLogin(s Server) string {
	form, u := st.login(s)
	switch form {
	case loginAddress:
		return "%EMAILADDRESS%"
	case loginLocal:
		return "%EMAILLOCALPART%"
	}
	if a := st.Address; a.HasLocal() && strings.HasPrefix(u, a.Local+"@") {
		return "%EMAILLOCALPART%" + u[len(a.Local):]
	}
	return u
}

// concreteLogin is the login name a person types, or "" when it depends
// on a mailbox name that was not given (a bare domain): formats then leave
// it for the client to ask.
func (st Settings) concreteLogin(s Server) string {
	a := st.Address
	form, u := st.login(s)
	switch {
	case !a.HasLocal() && form != loginFixed:
		return ""
	case form == loginAddress:
		return a.String()
	case form == loginLocal:
		return a.Local
	case strings.Contains(u, "%"):
		return ""
	}
	return u
}

// ForAddress gives the same settings for another mailbox of the same
// domain (or for the bare domain), so that one discovery serves every
// user: login names that are the address or its local part follow the new
// address. A login name that is neither is kept as written, with a Loss
// saying so, because it may belong to the first mailbox only.
func (st Settings) ForAddress(a Address) (Settings, []Loss, error) {
	if !strings.EqualFold(a.Domain, st.Address.Domain) {
		return st, nil, fmt.Errorf("autoconfig: the settings are for %s, not %s", st.Address.Domain, a.Domain)
	}
	if a == st.Address {
		return st, nil, nil
	}
	var ls losses
	out := st
	out.Address = a
	retarget := func(list []Server) []Server {
		res := make([]Server, len(list))
		for i, s := range list {
			form, u := st.login(s)
			switch {
			case s.Username == "":
			case form == loginAddress:
				s.Username = "%EMAILADDRESS%"
				if a.HasLocal() {
					s.Username = a.String()
				}
			case form == loginLocal:
				s.Username = "%EMAILLOCALPART%"
				if a.HasLocal() {
					s.Username = a.Local
				}
			case st.Address.HasLocal() && strings.HasPrefix(u, st.Address.Local+"@"):
				s.Username = "%EMAILLOCALPART%" + u[len(st.Address.Local):]
				s.Username, _ = expandPlaceholders(s.Username, a)
			case strings.Contains(u, "%"):
				s.Username, _ = expandPlaceholders(u, a)
			default:
				ls.add(&s, "the login name %q is not derived from %s; kept as it is, though it may belong to that mailbox only", u, st.Address)
			}
			res[i] = s
		}
		return res
	}
	out.Incoming, out.Outgoing = retarget(st.Incoming), retarget(st.Outgoing)
	if len(st.POP3) > 0 {
		// Keys do not contain the login name, so the options carry over.
		out.POP3 = make(map[string]POP3Options, len(st.POP3))
		for k, v := range st.POP3 {
			out.POP3[k] = v
		}
	}
	return out, ls, nil
}
