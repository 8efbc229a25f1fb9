package probe

import (
	"strconv"

	"github.com/postino-mail/postino/autoconfig"
)

func itoa(i int) string { return strconv.Itoa(i) }

func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	register(
		Entry{CodeDNSNoAddress, e, "{host} has no address record (A or AAAA) in DNS",
			"The server's name does not resolve to any address: it does not exist (NXDOMAIN), or it exists without A and AAAA records, or not for the address family asked with -4/-6.",
			"Check the name for typos; if it is right, add the A (and AAAA) record in the domain's DNS."},
		Entry{CodeDNSFailed, e, "DNS lookup of {host} failed ({kind})",
			"The resolver did not answer the question about the server's addresses: it timed out, failed (SERVFAIL), or refused. Nothing is known about the server then.",
			"Check the resolver (--resolver HOST[:PORT] to try another) and the domain's name servers (DNSSEC errors show as SERVFAIL); try again later."},
		Entry{CodeIPv6Unreachable, w, "AAAA is published for {host} but port {port} fails there; IPv4 works",
			"Every IPv6 address of the server fails while IPv4 works. Clients that try IPv6 first without happy eyeballs (RFC 8305) hang until their timeout, which is the classic \"works on my laptop, not on my phone\" report. The fault may be the server's (firewall, service not listening on IPv6) or this network's (no IPv6 route).",
			"Make the service listen on IPv6 and open the firewall for it (Dovecot listen = *, ::; Postfix inet_protocols = all), fix IPv6 routing, or remove the AAAA record until IPv6 works. Compare with -6 from a network known to have IPv6."},
		Entry{CodeIPv4Unreachable, w, "A is published for {host} but port {port} fails there; IPv6 works",
			"Every IPv4 address of the server fails while IPv6 works. IPv4-only clients, still the majority, cannot connect at all.",
			"Make the service listen on IPv4 and open the firewall for it, or fix the A record."},
		Entry{CodeAddrUnreachable, w, "some addresses of {host} fail on port {port}",
			"The server's name has several addresses and some of them fail while others work: a dead node behind round-robin DNS, or one server of a cluster misconfigured. Clients fail at random.",
			"Remove dead addresses from DNS or fix the servers behind them; every published address must serve the same."},
		Entry{CodeConnectRefused, e, "{server}: connection refused",
			"The host answered but nothing listens on the port (or a firewall rejects it actively). The service is down, listens elsewhere, or the port is wrong.",
			"Check that the service runs and listens on this port and address (ss -ltnp), and the firewall rules."},
		Entry{CodeConnectTimeout, e, "{server}: connection timed out",
			"Nothing answered the TCP connection: a firewall drops the packets, on the server's side or on this network. Outgoing port 25 is blocked by many ISPs and clouds (GCP always, AWS and Azure by default).",
			"Check the server's firewall; try from another network; for sending, use submission on 587 or 465 rather than port 25."},
		Entry{CodeNetUnreachable, e, "{server}: network unreachable",
			"This computer has no route to the server's address: no network, no IPv6 (for an IPv6 address), or a local firewall.",
			"Check this computer's network connection; use -4 if IPv6 is not available here."},
	)
}

func init() {
	register(Entry{CodeOtherPortWorks, autoconfig.SeverityInfo, "{server} does not work, but {mode} on port {port} does",
		"The server failed as configured, and postino also tried the same service with the other kind of TLS on its standard port (993 and 143, 995 and 110, 465 and 587), which works and has a valid certificate. Networks that block one of the ports (465 or 587) are common.",
		"Configure the client with the working port and security until the other one is fixed."})
}
