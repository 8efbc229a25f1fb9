package autoconfig

import (
	"fmt"
	"strings"
)

// expandPlaceholders replaces the clientConfig placeholders in s:
// %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% and %REALNAME% (which
// postino does not know, so it becomes empty). Without a local part
// (a bare domain was given) the address placeholders stay as they are, so
// the reader sees the template instead of an invented mailbox.
//
// A '%' without its closing partner, or an unknown %NAME%, returns s
// unchanged and a sentence saying what is wrong: a client would send the
// broken text as the login name, and guessing what was meant could send
// the wrong one.
func expandPlaceholders(s string, addr Address) (string, string) {
	if !strings.Contains(s, "%") {
		return s, ""
	}
	var b strings.Builder
	rest := s
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), ""
		}
		b.WriteString(rest[:i])
		j := strings.IndexByte(rest[i+1:], '%')
		if j < 0 {
			return s, fmt.Sprintf("%q has a %% without its closing %% (a broken placeholder such as %%EMAILADDRESS)", s)
		}
		name := rest[i+1 : i+1+j]
		switch name {
		case "EMAILADDRESS":
			if addr.HasLocal() {
				b.WriteString(addr.String())
			} else {
				b.WriteString("%EMAILADDRESS%")
			}
		case "EMAILLOCALPART":
			if addr.HasLocal() {
				b.WriteString(addr.Local)
			} else {
				b.WriteString("%EMAILLOCALPART%")
			}
		case "EMAILDOMAIN":
			b.WriteString(addr.Domain)
		case "REALNAME":
		default:
			return s, fmt.Sprintf("%q uses %%%s%%, which is not a placeholder clients know", s, name)
		}
		rest = rest[i+1+j+1:]
	}
}
