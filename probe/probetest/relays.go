package probetest

// Submission without login: two Postfix variants that offer no AUTH on
// 587 (STARTTLS required) and 465 (implicit TLS), each on an extra
// loopback address of its own (MailServerOptions.RelayRefusingAddr,
// RelayingAddr). They show what a client meets at an access provider's
// relay: from outside its network it refuses other domains ("554 5.7.1
// <…>: Relay access denied"); from inside (mynetworks) it takes them
// without a login. Neither delivers anything: the relaying one resolves
// every remote domain to discard(8) through a trivial-rewrite service of
// its own, and a client that never sends DATA queues nothing.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RelayPorts are the ports the relay variants listen on, on their
// address: submission (STARTTLS) and submissions (implicit TLS).
var RelayPorts = []int{587, 465}

// relayVariant is one no-AUTH submission service.
type relayVariant struct {
	addr string
	// args are the smtpd -o options after the common ones.
	args string
}

// relayVariants are the variants the options ask for.
func (o *MailServerOptions) relayVariants() []relayVariant {
	const relay = " -o smtpd_sasl_auth_enable=no -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination -o smtpd_recipient_restrictions="
	var vs []relayVariant
	if o.RelayRefusingAddr != "" {
		// TEST-NET-1 (RFC 5737): a network no test client is in.
		vs = append(vs, relayVariant{o.RelayRefusingAddr, relay + " -o mynetworks=192.0.2.0/24"})
	}
	if o.RelayingAddr != "" {
		vs = append(vs, relayVariant{o.RelayingAddr, relay + " -o mynetworks=127.0.0.0/8 -o rewrite_service_name=rewrite-relaying"})
	}
	return vs
}

// relayAddrs are the extra addresses of the relay variants.
func (o *MailServerOptions) relayAddrs() []string {
	var as []string
	for _, v := range o.relayVariants() {
		as = append(as, v.addr)
	}
	return as
}

// writeRelayServices writes the variants' master.cf lines.
func (m *MailServers) writeRelayServices(b *strings.Builder) {
	for _, v := range m.o.relayVariants() {
		fmt.Fprintf(b, "%s:587 inet n - n - - smtpd -o syslog_name=postfix-postino/relay-submission -o smtpd_tls_security_level=encrypt%s\n", v.addr, v.args)
		fmt.Fprintf(b, "%s:465 inet n - n - - smtpd -o syslog_name=postfix-postino/relay-submissions -o smtpd_tls_wrappermode=yes%s\n", v.addr, v.args)
	}
	if m.o.RelayingAddr != "" {
		// The relaying smtpd's own address resolver: remote domains go to
		// discard(8), so that RCPT TO is accepted (the main resolver's
		// error transport would refuse it) and nothing could leave.
		b.WriteString("rewrite-relaying unix - - n - - trivial-rewrite -o default_transport=discard:postino-test-relay -o relay_transport=discard:postino-test-relay\n")
	}
}

// PostfixQueued counts the messages in Postfix's queue (incoming, active,
// deferred, hold, maildrop): a client that never sends DATA leaves none.
func (m *MailServers) PostfixQueued() (int, error) {
	n := 0
	for _, d := range []string{"maildrop", "incoming", "active", "deferred", "hold"} {
		err := filepath.WalkDir(filepath.Join(m.o.Dir, "postfix", "queue", d), func(_ string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.Type().IsRegular() {
				n++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
