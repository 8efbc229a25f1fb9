package probe

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// aiaTimeout bounds the fetch of a missing intermediate certificate.
const aiaTimeout = 3 * time.Second

// chainIncomplete tells a server that sends its leaf without the
// intermediate from one whose authority is unknown: it fetches the issuer
// named in the leaf's Authority Information Access extension (RFC 5280
// section 4.2.2.1), as browsers do and mail clients mostly do not, and
// verifies again with it.
func (p *Prober) chainIncomplete(s autoconfig.Server, ss *session) (autoconfig.Finding, bool) {
	t := ss.res.TLS
	if len(ss.peer) != 1 || t == nil || t.ChainValid || t.SelfSigned {
		return autoconfig.Finding{}, false
	}
	leaf := ss.peer[0]
	if len(leaf.IssuingCertificateURL) == 0 {
		return autoconfig.Finding{}, false
	}
	url := leaf.IssuingCertificateURL[0]
	issuer, err := p.fetchCert(url)
	if err != nil {
		return autoconfig.Finding{}, false
	}
	inter := x509.NewCertPool()
	inter.AddCert(issuer)
	at := leaf.NotAfter.Add(-time.Second)
	if n := p.now(); n.Before(leaf.NotAfter) && n.After(leaf.NotBefore) {
		at = n
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: p.roots, Intermediates: inter, CurrentTime: at}); err != nil {
		return autoconfig.Finding{}, false
	}
	return findChainIncomplete.On(s, autoconfig.Values{"issuer": issuerName(leaf), "url": url}), true
}

func (p *Prober) fetchCert(url string) (*x509.Certificate, error) {
	ctx, cancel := context.WithTimeout(context.Background(), aiaTimeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DialContext: p.dialContext}, Timeout: aiaTimeout}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("probe: %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	return x509.ParseCertificate(b)
}
