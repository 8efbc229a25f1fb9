package bench

// The chain of `postino test` in the test world, counted in RTTs at the
// injected latency, from what probe.Prober.Diagnose does for one server
// (probe/diagnose.go) and what commands/test.go does with the servers:
//
//   - commands/test.go (testRun.diagnose) starts one Diagnose per server,
//     all at once, and waits for all: the run's chain is the longest of
//     the servers' chains.
//   - Diagnose resolves the host once (resolveFamilies: A and AAAA asked
//     at once by resolver.Dialer.Resolve, one RTT), then starts at once
//     one attempt per address on the named port (here two: IPv4 and
//     IPv6) and one attempt of the other port (tryOtherPort, on the first
//     address), and waits for all of them (the other port at most until
//     one second after the start when the server works).
//   - So one server's chain is resolve + the longer of the named port's
//     attempt and the other port's attempt. The addresses' attempts are
//     the same length and count once.
//
// An attempt on an implicit-TLS port (session.run, converse):
//
//	TCP connect                                   1  SYN → SYN-ACK
//	TLS 1.3 handshake                             1  ClientHello → ServerHello…Finished
//	greeting                                      1  the client's Finished reaches the
//	                                                 server (½), which then writes its
//	                                                 greeting; it travels back (½)
//	capabilities                                  1  CAPA / EHLO → reply; 0 for IMAP,
//	                                                 whose greeting carries [CAPABILITY …]
//
// An attempt on a STARTTLS port:
//
//	TCP connect                                   1
//	greeting                                      1  the server sees the connection
//	                                                 when the client's ACK reaches it
//	                                                 (½); the greeting travels back (½)
//	capabilities                                  1  CAPA / EHLO; 0 for IMAP (greeting)
//	STARTTLS / STLS                               1  command → "go ahead"
//	TLS 1.3 handshake                             1
//	capabilities again                            1  the client's Finished and the
//	                                                 command leave together → reply
//
// Both end with the goodbye (LOGOUT / QUIT, and the wait for its answer,
// bounded by quitWait): one more RTT that the diagnosis does not need, so
// it is not on the chain; chainWithGoodbye counts it.
//
// Nothing else is on the way when every check passes: no retry in the
// other mode, no legacy handshake, no AIA fetch (the chain is complete),
// no login.

import "github.com/postino-mail/postino/autoconfig"

// implicitTLSAttempt is what one attempt on an implicit-TLS port does.
func implicitTLSAttempt(s testService) path {
	p := path{{"TCP", 1}, {"TLS1.3", 1}, {"greeting", 1}}
	if !s.capsInGreeting {
		p = append(p, step{capsWord(s), 1})
	}
	return p
}

// starttlsAttempt is what one attempt on a STARTTLS port does.
func starttlsAttempt(s testService) path {
	p := path{{"TCP", 1}, {"greeting", 1}}
	if !s.capsInGreeting {
		p = append(p, step{capsWord(s), 1})
	}
	return append(p, step{starttlsWord(s), 1}, step{"TLS1.3", 1}, step{capsWord(s), 1})
}

func capsWord(s testService) string {
	switch s.proto {
	case autoconfig.POP3:
		return "CAPA"
	case autoconfig.SMTP:
		return "EHLO"
	}
	return "CAPABILITY"
}

func starttlsWord(s testService) string {
	if s.proto == autoconfig.POP3 {
		return "STLS"
	}
	return "STARTTLS"
}

// diagnosePath is one server's chain: resolve, then the longer of the
// named (implicit TLS) port's attempt and the other (STARTTLS) port's.
func diagnosePath(s testService) path {
	named, other := implicitTLSAttempt(s), starttlsAttempt(s)
	longer := named
	if other.rtts() > named.rtts() {
		longer = other
	}
	return append(path{resolve(s.host)}, longer...)
}

// testChain is the longest of the servers' chains: the run's.
func testChain() (testService, path) {
	var slowest testService
	var best path
	for _, s := range testServices {
		if p := diagnosePath(s); p.rtts() > best.rtts() {
			slowest, best = s, p
		}
	}
	return slowest, best
}

// goodbyeRTTs is the goodbye after the last check: not needed, but waited
// for (at most quitWait).
const goodbyeRTTs = 1

// testSequentialRTTs is what the same diagnoses cost one server after
// another (addresses and ports of one server still at once), goodbyes
// included.
func testSequentialRTTs() float64 {
	var n float64
	for _, s := range testServices {
		n += diagnosePath(s).rtts() + goodbyeRTTs
	}
	return n
}
