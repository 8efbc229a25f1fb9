package probe

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// Finding codes about addresses and address families.
const (
	CodeDNSNoAddress      = "dns.no-address"
	CodeDNSFailed         = "dns.lookup-failed"
	CodeIPv6Unreachable   = "net.ipv6-unreachable"
	CodeIPv4Unreachable   = "net.ipv4-unreachable"
	CodeAddrUnreachable   = "net.address-unreachable"
	CodeConnectRefused    = "net.connect-refused"
	CodeConnectTimeout    = "net.connect-timeout"
	CodeNetUnreachable    = "net.unreachable"
	CodeSlowGreeting      = "server.slow-greeting"
	CodeServerSilent      = "server.silent"
	CodeServerClosed      = "server.closed"
	CodeServerProtocol    = "server.protocol-error"
	CodeServerRefused     = "server.refused-service"
	CodeResponseTooLarge  = "server.response-too-large"
	CodeTLSHandshake      = "tls.handshake-failed"
	CodeTLSLegacyOnly     = "tls.legacy-only"
	CodeTLSModeMismatch   = "tls.mode-mismatch"
	CodeCertExpiring      = "tls.cert-expiring"
	CodeChainIncomplete   = "tls.chain-incomplete"
	CodeIMAPStartTLSRefus = "imap.starttls-refused"
	CodePOP3StartTLSRefus = "pop3.starttls-refused"
	CodeSMTPStartTLSRefus = "smtp.starttls-refused"
	CodeIMAPLoginDisabled = "imap.login-disabled"
	CodeNoAuthMechanism   = "auth.no-mechanism"
)

// resolveFamilies looks up A and AAAA and records one phase for each
// family, so "no AAAA" and "A 192.0.2.1" read apart. It reports whether
// there is anything to connect to.
func (p *Prober) resolveFamilies(ctx context.Context, d *Diagnosis, host string) ([]net.IP, bool) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, true
	}
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if p.resolveFam != nil {
		return p.resolveEachFamily(rctx, d, host)
	}
	start := time.Now()
	all, err := p.resolve(rctx, host)
	took := autoconfig.Duration(time.Since(start))
	if err != nil {
		kind := dnsKind(rctx, err)
		msg := fmt.Sprintf("DNS lookup of %s failed (%s): %v", host, kind, err)
		code, hint := CodeDNSFailed, "check the resolver (--resolver) and the domain's name servers; try again later"
		if kind == KindNXDomain {
			msg = fmt.Sprintf("%s has no address record (A or AAAA) in DNS", host)
			code, hint = CodeDNSNoAddress, "check the server name for typos; if it is right, the domain's DNS lacks an A or AAAA record for it"
		}
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseResolve, Duration: took, Detail: msg})
		d.addFindings(finding(d.Server, code, autoconfig.SeverityError, msg, hint))
		return nil, false
	}
	var v4, v6 []net.IP
	for _, ip := range all {
		if ip.To4() != nil {
			v4 = append(v4, ip)
		} else {
			v6 = append(v6, ip)
		}
	}
	for _, fam := range []struct {
		rr  string
		ips []net.IP
		use bool
	}{{"A", v4, p.network != "tcp6"}, {"AAAA", v6, p.network != "tcp4"}} {
		detail := fam.rr + " " + joinIPs(fam.ips)
		if len(fam.ips) == 0 {
			detail = "no " + fam.rr + " record"
		}
		if !fam.use {
			detail += " (not used: " + map[string]string{"A": "-6", "AAAA": "-4"}[fam.rr] + ")"
		}
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseResolve, Address: fam.rr, OK: true, Duration: took, Detail: detail})
	}
	var ips []net.IP
	if p.network != "tcp6" {
		ips = append(ips, v4...)
	}
	if p.network != "tcp4" {
		ips = append(ips, v6...)
	}
	if len(ips) == 0 {
		msg := fmt.Sprintf("%s has no address of the family asked for", host)
		d.addFindings(finding(d.Server, CodeDNSNoAddress, autoconfig.SeverityError, msg, "drop -4/-6, or publish the missing A or AAAA record"))
		return nil, false
	}
	return ips, true
}

// familyFindings compares the addresses: a family that fails while the
// other works is the classic "works on my laptop" problem, because clients
// without happy eyeballs hang on it.
func familyFindings(s autoconfig.Server, as []AddressResult) []autoconfig.Finding {
	okBy := map[string]int{}
	failBy := map[string][]string{}
	for _, a := range as {
		if a.OK {
			okBy[a.Family]++
		} else {
			failBy[a.Family] = append(failBy[a.Family], a.Address+" ("+a.ErrorKind+")")
		}
	}
	var fs []autoconfig.Finding
	for _, f := range []struct{ fam, other, code, rr string }{
		{"ipv6", "ipv4", CodeIPv6Unreachable, "AAAA"},
		{"ipv4", "ipv6", CodeIPv4Unreachable, "A"},
	} {
		failed := failBy[f.fam]
		switch {
		case len(failed) == 0:
		case okBy[f.fam] == 0 && okBy[f.other] > 0:
			fs = append(fs, finding(s, f.code, autoconfig.SeverityWarning,
				fmt.Sprintf("%s is published for %s but port %d fails there: %s; %s works",
					f.rr, s.Host, s.Port, strings.Join(failed, ", "), map[string]string{"ipv4": "IPv4", "ipv6": "IPv6"}[f.other]),
				fmt.Sprintf("fix %s routing and the firewall for port %d on the server, or remove the %s record; clients that try %s first hang until their timeout",
					map[string]string{"ipv4": "IPv4", "ipv6": "IPv6"}[f.fam], s.Port, f.rr, f.rr)))
		default:
			fs = append(fs, finding(s, CodeAddrUnreachable, autoconfig.SeverityWarning,
				fmt.Sprintf("some addresses of %s fail on port %d: %s", s.Host, s.Port, strings.Join(failed, ", ")),
				"every published address must serve the same; remove dead addresses from DNS or fix the servers behind them"))
		}
	}
	return fs
}

// familyAnswer is one family's lookup.
type familyAnswer struct {
	rr   string // "A" or "AAAA"
	ips  []net.IP
	from string // not DNS but this file (/etc/hosts)
	err  error
	took autoconfig.Duration
	use  bool // not excluded by -4/-6
}

// resolveEachFamily asks A and AAAA at once and reports each with its own
// time and outcome: an AAAA query that times out while A answers is a
// problem of its own (clients wait on it), which one merged lookup hides.
func (p *Prober) resolveEachFamily(ctx context.Context, d *Diagnosis, host string) ([]net.IP, bool) {
	answers := []*familyAnswer{{rr: "A", use: p.network != "tcp6"}, {rr: "AAAA", use: p.network != "tcp4"}}
	var wg sync.WaitGroup
	for _, a := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer catchPanic(ctx)
			fam := map[string]string{"A": "ip4", "AAAA": "ip6"}[a.rr]
			start := time.Now()
			a.ips, a.from, a.err = p.resolveFam(ctx, host, fam)
			a.took = autoconfig.Duration(time.Since(start))
		}()
	}
	wg.Wait()
	v4, v6 := answers[0], answers[1]
	nx := func(a *familyAnswer) bool { return a.err != nil && dnsKind(ctx, a.err) == KindNXDomain }
	if v4.err != nil && v6.err != nil {
		// Both failed: one error says it (NXDOMAIN when the name does not
		// exist, else the A query's failure).
		err, kind := v4.err, dnsKind(ctx, v4.err)
		msg := fmt.Sprintf("DNS lookup of %s failed (%s): %v", host, kind, err)
		code, hint := CodeDNSFailed, "check the resolver (--resolver) and the domain's name servers; try again later"
		if nx(v4) || nx(v6) {
			msg = fmt.Sprintf("%s has no address record (A or AAAA) in DNS", host)
			code, hint = CodeDNSNoAddress, "check the server name for typos; if it is right, the domain's DNS lacks an A or AAAA record for it"
		}
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseResolve, Duration: max(v4.took, v6.took), Detail: msg})
		d.addFindings(finding(d.Server, code, autoconfig.SeverityError, msg, hint))
		return nil, false
	}
	var ips []net.IP
	for _, a := range answers {
		ph := autoconfig.Phase{Name: autoconfig.PhaseResolve, Address: a.rr, OK: a.err == nil || nx(a), Duration: a.took}
		switch {
		case a.err != nil && !nx(a):
			ph.Detail = fmt.Sprintf("%s lookup failed (%s): %v", a.rr, dnsKind(ctx, a.err), a.err)
			d.addFindings(finding(d.Server, CodeDNSFailed, autoconfig.SeverityWarning, ph.Detail,
				"the other family answered, but clients that ask for "+a.rr+" first wait on this failure: fix the domain's name servers"))
		case len(a.ips) == 0:
			ph.Detail = "no " + a.rr + " record"
		default:
			ph.Detail = a.rr + " " + joinIPs(a.ips)
		}
		if a.from != "" && a.err == nil {
			ph.Detail += " (from " + a.from + ")"
		}
		if !a.use {
			ph.Detail += " (not used: " + map[string]string{"A": "-6", "AAAA": "-4"}[a.rr] + ")"
		} else {
			ips = append(ips, a.ips...)
		}
		d.addPhase(ph)
	}
	if len(ips) == 0 {
		msg := fmt.Sprintf("%s has no address of the family asked for", host)
		d.addFindings(finding(d.Server, CodeDNSNoAddress, autoconfig.SeverityError, msg, "drop -4/-6, or publish the missing A or AAAA record"))
		return nil, false
	}
	return ips, true
}
