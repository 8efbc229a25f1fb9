package probe

import "github.com/postino-mail/postino/autoconfig"

// The codes postino check adds with its thresholds (commands/check_policy.go),
// documented here so that one catalogue holds every code.
func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	register(
		Entry{"check.response-time", w, "{server} took {time} to connect, secure and answer, over --warn-time {limit}",
			"postino check measures a server's response time on its first working address: connect, TLS, greeting and capabilities. Above --warn-time this is a warning, above --crit-time an error. A slow mail server makes clients time out and users wait.",
			"Look at the server's load and at the network path; raise the threshold if this server is known to be slow and that is acceptable."},
		Entry{"check.ipv6-missing", e, "{server} has no IPv6 address (no AAAA record), and --require ipv6 was given",
			"The check was told that the server must be reachable over IPv6, but its name has no AAAA record at all, so IPv6-only clients cannot reach it.",
			"Publish an AAAA record for the server's name and make the service listen on that address, or drop ipv6 from --require."},
		Entry{"check.ipv4-missing", e, "{server} has no IPv4 address (no A record), and --require ipv4 was given",
			"The check was told that the server must be reachable over IPv4, but its name has no A record, so IPv4-only clients cannot reach it.",
			"Publish an A record for the server's name and make the service listen on that address, or drop ipv4 from --require."},
	)
}
