package probe

import "github.com/postino-mail/postino/autoconfig"

// The findings about reaching a server: its name in DNS, its addresses
// and families (families.go, cause.go), the TCP connection
// (failures.go), and another port that works (otherport.go). Each code is
// defined once here; a code with a second wording has it as an
// unregistered definition of the same code next to it.
var (
	findDNSNoAddress = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeDNSNoAddress, Severity: autoconfig.SeverityError,
		Message:     "{host} has no address record (A or AAAA) in DNS",
		Hint:        "check the server name for typos; if it is right, the domain's DNS lacks an A or AAAA record for it",
		Explanation: "The server's name does not resolve to any address: it does not exist (NXDOMAIN), or it exists without A and AAAA records, or not for the address family asked with -4/-6.",
	})
	findDNSNoFamily = autoconfig.FindingDef{
		Code: CodeDNSNoAddress, Severity: autoconfig.SeverityError,
		Message: "{host} has no address of the family asked for",
		Hint:    "drop -4/-6, or publish the missing A or AAAA record",
	}
	findDNSFailed = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeDNSFailed, Severity: autoconfig.SeverityError,
		Message:     "DNS lookup of {host} failed ({kind}): {error}",
		Hint:        "check the resolver (--resolver) and the domain's name servers; try again later",
		Explanation: "The resolver did not answer the question about the server's addresses: it timed out, failed (SERVFAIL), or refused. Nothing is known about the server then. DNSSEC errors show as SERVFAIL; --resolver HOST[:PORT] tries another resolver. When only one family's query fails (A or AAAA) while the other answers, this is a warning: clients that ask for that family first wait on it.",
	})
	findDNSFamilyFailed = autoconfig.FindingDef{
		Code: CodeDNSFailed, Severity: autoconfig.SeverityWarning,
		Message: "{rr} lookup failed ({kind}): {error}",
		Hint:    "the other family answered, but clients that ask for {rr} first wait on this failure: fix the domain's name servers",
	}
	// findDNSSeen and findDNSFailedSeen are the forms discovery shows
	// (cause.go), with the resolver's error as it stands.
	findDNSSeen = autoconfig.FindingDef{
		Code: CodeDNSNoAddress, Severity: autoconfig.SeverityError,
		Message: "{server}: {error}",
		Hint:    "publish an A or AAAA record for the host, or correct the name where it is published",
	}
	findDNSFailedSeen = autoconfig.FindingDef{
		Code: CodeDNSFailed, Severity: autoconfig.SeverityError,
		Message: findDNSSeen.Message,
		Hint:    findDNSSeen.Hint,
	}
	findIPv6Unreachable = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeIPv6Unreachable, Severity: autoconfig.SeverityWarning,
		Message:     familyMessage,
		Hint:        familyHint,
		Explanation: "Every IPv6 address of the server fails while IPv4 works. Clients that try IPv6 first without happy eyeballs (RFC 8305) hang until their timeout, which is the classic \"works on my laptop, not on my phone\" report. The fault may be the server's (firewall, service not listening on IPv6: Dovecot listen = *, ::; Postfix inet_protocols = all) or this network's (no IPv6 route). Compare with -6 from a network known to have IPv6.",
	})
	findIPv4Unreachable = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeIPv4Unreachable, Severity: autoconfig.SeverityWarning,
		Message:     familyMessage,
		Hint:        familyHint,
		Explanation: "Every IPv4 address of the server fails while IPv6 works. IPv4-only clients, still the majority, cannot connect at all.",
	})
	findAddrUnreachable = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAddrUnreachable, Severity: autoconfig.SeverityWarning,
		Message:     "some addresses of {host} fail on port {port}: {failed}",
		Hint:        "every published address must serve the same; remove dead addresses from DNS or fix the servers behind them",
		Explanation: "The server's name has several addresses and some of them fail while others work: a dead node behind round-robin DNS, or one server of a cluster misconfigured. Clients fail at random.",
	})
	findConnectRefused = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeConnectRefused, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "check that the server runs and listens on port {port} on every address, and that no firewall rejects the port",
		Explanation: "The host answered but nothing listens on the port (or a firewall rejects it actively). The service is down, listens elsewhere, or the port is wrong; ss -ltnp on the server shows what listens.",
	})
	findConnectTimeout = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeConnectTimeout, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "a firewall drops port {port}, on the server's side or on this network; try from another network",
		Explanation: "Nothing answered the TCP connection: a firewall drops the packets, on the server's side or on this network. Outgoing port 25 is blocked by many ISPs and clouds (GCP always, AWS and Azure by default); on port 25 the hint says to use submission on 587 or 465.",
	})
	findConnectTimeout25 = autoconfig.FindingDef{
		Code: CodeConnectTimeout, Severity: autoconfig.SeverityError,
		Message: findConnectTimeout.Message,
		Hint:    findConnectTimeout.Hint + "; many ISPs and clouds block outgoing port 25: use submission on 587 or 465",
	}
	findNetUnreachable = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeNetUnreachable, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "check this computer's network connection and route to the server",
		Explanation: "This computer has no route to the server's address: no network, no IPv6 (for an IPv6 address; use -4 if IPv6 is not available here), or a local firewall.",
	})
	findOtherPortWorks = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeOtherPortWorks, Severity: autoconfig.SeverityInfo,
		Message:     "{server} does not work, but {mode} on port {port} does",
		Hint:        "configure the client with port {port} and {mode} (--{protocol} {host}:{port} --security {security}), until port {failing-port} is fixed",
		Explanation: "The server failed as configured, and postino also tried the same service with the other kind of TLS on its standard port (993 and 143, 995 and 110, 465 and 587), which works and has a valid certificate. Networks that block one of the ports (465 or 587) are common. Configure the client with the working port and security until the other one is fixed.",
	})
)

// The text of net.ipv6-unreachable and net.ipv4-unreachable, which differ
// only in the family.
const (
	familyMessage = "{rr} is published for {host} but port {port} fails there: {failed}; {other} works"
	familyHint    = "fix {family} routing and the firewall for port {port} on the server, or remove the {rr} record; clients that try {rr} first hang until their timeout"
)
