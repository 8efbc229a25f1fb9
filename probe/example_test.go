package probe_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

func ExampleProber_Probe() {
	// An IMAP server with STARTTLS and a certificate from a test CA.
	ca, _ := probetest.NewCA()
	leaf, _ := ca.Issue(probetest.LeafOptions{}, "imap.example.test")
	srv, _ := probetest.NewIMAPServer(probetest.IMAPOptions{TLS: probetest.StartTLS, TLSConfig: leaf.TLSConfig()})
	defer srv.Close()

	p := probe.New(&probe.Options{
		// Every name resolves to the loopback server.
		Resolve: func(context.Context, string) ([]net.IP, error) { return []net.IP{net.IPv4(127, 0, 0, 1)}, nil },
		RootCAs: ca.Pool(),
		Timeout: 5 * time.Second,
	})
	res := p.Probe(context.Background(), autoconfig.Server{
		Protocol: autoconfig.IMAP, Host: "imap.example.test", Port: srv.Port(), Security: autoconfig.SecurityStartTLS,
	})
	fmt.Println(res.Status, res.Verified(), res.TLS.Version)
	for _, ph := range res.Phases {
		fmt.Println(ph.Name, ph.OK)
	}
	fmt.Println(res.SASL)
	// Output:
	// ok true TLS1.3
	// resolve true
	// connect true
	// greeting true
	// capabilities true
	// starttls true
	// capabilities true
	// [PLAIN]
}
