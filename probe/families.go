package probe

import (
	"context"
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
		f := dnsFailure(d.Server, host, dnsKind(rctx, err), err, dnsKind(rctx, err) == KindNXDomain)
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseResolve, Duration: took, Detail: f.Message})
		d.addFindings(f)
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
		d.addFindings(findDNSNoFamily.On(d.Server, autoconfig.Values{"host": host}))
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
	for _, f := range []struct {
		fam, other string
		def        autoconfig.FindingDef
		rr         string
	}{
		{"ipv6", "ipv4", findIPv6Unreachable, "AAAA"},
		{"ipv4", "ipv6", findIPv4Unreachable, "A"},
	} {
		failed := failBy[f.fam]
		switch {
		case len(failed) == 0:
		case okBy[f.fam] == 0 && okBy[f.other] > 0:
			name := map[string]string{"ipv4": "IPv4", "ipv6": "IPv6"}
			fs = append(fs, f.def.On(s, autoconfig.Values{"rr": f.rr, "failed": strings.Join(failed, ", "), "other": name[f.other], "family": name[f.fam]}))
		default:
			fs = append(fs, findAddrUnreachable.On(s, autoconfig.Values{"failed": strings.Join(failed, ", ")}))
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
		f := dnsFailure(d.Server, host, dnsKind(ctx, v4.err), v4.err, nx(v4) || nx(v6))
		d.addPhase(autoconfig.Phase{Name: autoconfig.PhaseResolve, Duration: max(v4.took, v6.took), Detail: f.Message})
		d.addFindings(f)
		return nil, false
	}
	var ips []net.IP
	for _, a := range answers {
		ph := autoconfig.Phase{Name: autoconfig.PhaseResolve, Address: a.rr, OK: a.err == nil || nx(a), Duration: a.took}
		switch {
		case a.err != nil && !nx(a):
			f := findDNSFamilyFailed.On(d.Server, autoconfig.Values{"rr": a.rr, "kind": dnsKind(ctx, a.err), "error": a.err.Error()})
			ph.Detail = f.Message
			d.addFindings(f)
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
		d.addFindings(findDNSNoFamily.On(d.Server, autoconfig.Values{"host": host}))
		return nil, false
	}
	return ips, true
}

// dnsFailure is the finding of a lookup of host that failed with err, of
// kind; nx: the name does not exist.
func dnsFailure(s autoconfig.Server, host, kind string, err error, nx bool) autoconfig.Finding {
	if nx {
		return findDNSNoAddress.On(s, autoconfig.Values{"host": host})
	}
	return findDNSFailed.On(s, autoconfig.Values{"host": host, "kind": kind, "error": err.Error()})
}
