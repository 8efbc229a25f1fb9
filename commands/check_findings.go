package commands

import "github.com/postino-mail/postino/autoconfig"

// The findings check adds to test's: thresholds and requirements that
// only a health check has. docs/check.md describes the flags.
var (
	findCheckSlow = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "check.response-time", Severity: autoconfig.SeverityWarning,
		Message:     "{server} answered in {time}, more than {flag} {limit}",
		Hint:        "look at the server's load and at the network between here and it; raise the threshold if this server is known to be slow and that is acceptable",
		Explanation: "postino check measures a server's response time on its first working address: connect, TLS, greeting and capabilities. Above --warn-time this is a warning, above --crit-time an error. A slow mail server makes clients time out and users wait.",
	})
	findCheckIPv6Missing = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "check.ipv6-missing", Severity: autoconfig.SeverityError,
		Message:     "{host} has no IPv6 address (no AAAA record), and --require ipv6 was given",
		Hint:        "publish an AAAA record for the server's name and make the service listen on that address, or drop ipv6 from --require",
		Explanation: "The check was told that the server must be reachable over IPv6, but its name has no AAAA record at all, so IPv6-only clients cannot reach it.",
	})
	findCheckIPv4Missing = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "check.ipv4-missing", Severity: autoconfig.SeverityError,
		Message:     "{host} has no IPv4 address (no A record), and --require ipv4 was given",
		Hint:        "publish an A record for the server's name and make the service listen on that address, or drop ipv4 from --require",
		Explanation: "The check was told that the server must be reachable over IPv4, but its name has no A record, so IPv4-only clients cannot reach it.",
	})
)
