package probe

import (
	"strconv"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// sessionFindings are the checks on a working connection that the basic
// probe does not make: certificate expiry ahead, a slow greeting, a server
// that offers no way to log in (for SMTP, the relay check says it).
func (p *Prober) sessionFindings(s autoconfig.Server, ss *session, o *DiagnoseOptions) []autoconfig.Finding {
	var fs []autoconfig.Finding
	warnDays := o.CertWarnDays
	if warnDays == 0 {
		warnDays = DefaultCertWarnDays
	}
	if t := ss.res.TLS; t != nil && !t.Expired && warnDays > 0 && t.DaysLeft < warnDays {
		fs = append(fs, findCertExpiring.On(s, autoconfig.Values{"days": plural(t.DaysLeft, "day"), "date": t.NotAfter.UTC().Format(time.DateOnly),
			"warn-days": strconv.Itoa(warnDays)}))
	}
	for _, ph := range ss.res.Phases {
		if ph.Name == autoconfig.PhaseGreeting && time.Duration(ph.Duration) > slowGreeting {
			fs = append(fs, findSlowGreeting.On(s, autoconfig.Values{"duration": time.Duration(ph.Duration).Round(100 * time.Millisecond).String()}))
		}
	}
	caps := ss.res.Capabilities
	switch s.Protocol {
	case autoconfig.IMAP:
		if hasFold(caps, "LOGINDISABLED") && len(ss.res.SASL) == 0 {
			fs = append(fs, findIMAPLoginDisabled.On(s, nil))
		}
	case autoconfig.POP3:
		if len(caps) > 0 && !hasFold(firstWords(caps), "USER") && len(ss.res.SASL) == 0 {
			fs = append(fs, findPOP3NoLogin.On(s, nil))
		}
	case autoconfig.SMTP:
		// An SMTP server without AUTH is the relay check's (relay.go):
		// its finding says what the missing login means from here.
	}
	if f, ok := p.chainIncomplete(s, ss); ok {
		fs = append(fs, f)
	}
	return fs
}

func afterTLS(s autoconfig.Server) string {
	if s.Security == autoconfig.SecurityStartTLS {
		return " after STARTTLS"
	}
	return ""
}

func firstWords(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}
