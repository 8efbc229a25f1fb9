// Package probetest builds the servers and certificates that postino's tests
// talk to: a test certificate authority, in-process IMAP, POP3 and SMTP
// servers, and real Dovecot and Postfix started as child processes.
package probetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// CA is a test certificate authority.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	PEM  []byte // the CA certificate, PEM-encoded
}

var serial atomic.Int64

func nextSerial() *big.Int { return big.NewInt(time.Now().UnixNano() + serial.Add(1)) }

// NewCA makes a self-signed certificate authority valid from a year ago for
// ten years, as real authorities are: so that a leaf that expired days ago
// still chains to it at the time it was valid.
func NewCA() (*CA, error) {
	return newAuthority("postino test CA", 365*24*time.Hour, 10*365*24*time.Hour, nil)
}

// newAuthority makes a CA valid from before ago until after from now,
// signed by parent, or by itself when parent is nil.
func newAuthority(name string, before, after time.Duration, parent *CA) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"postino tests"}},
		NotBefore:             time.Now().Add(-before),
		NotAfter:              time.Now().Add(after),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// Pool is a cert pool holding only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// WriteFile writes the CA certificate as PEM to dir/ca.pem and returns the path.
func (ca *CA) WriteFile(dir string) (string, error) {
	path := filepath.Join(dir, "ca.pem")
	return path, os.WriteFile(path, ca.PEM, 0o644)
}

// LeafOptions shapes a leaf certificate. The zero value is a good
// certificate valid from an hour ago for 90 days.
type LeafOptions struct {
	NotBefore, NotAfter time.Time // zero: now-1h, now+90d
	SelfSigned          bool      // signed by its own key, not the CA
	// RSA gives the leaf an RSA key (for RSA key exchange) instead of
	// ECDSA P-256.
	RSA bool
	// IssuingURL is put in the Authority Information Access extension:
	// where the issuer's certificate can be fetched.
	IssuingURL string
}

// Leaf is a server certificate and its key.
type Leaf struct {
	Cert     tls.Certificate
	CertPEM  []byte // leaf only
	KeyPEM   []byte
	ChainPEM []byte // leaf followed by the CA (empty for self-signed)
}

// Issue makes a server certificate for names (DNS names or IP literals).
func (ca *CA) Issue(opts LeafOptions, names ...string) (*Leaf, error) {
	if opts.RSA {
		return ca.issueRSA(opts, names...)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := leafTemplate(opts, names)
	parent, signer := ca.Cert, any(ca.Key)
	if opts.SelfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return ca.leaf(opts, der, key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

// leafTemplate is the certificate template of a leaf for names.
func leafTemplate(opts LeafOptions, names []string) *x509.Certificate {
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: "postino test server"},
		NotBefore:    opts.NotBefore,
		NotAfter:     opts.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = time.Now().Add(90 * 24 * time.Hour)
	}
	if len(names) > 0 {
		tmpl.Subject.CommonName = names[0]
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	if opts.IssuingURL != "" {
		tmpl.IssuingCertificateURL = []string{opts.IssuingURL}
	}
	return tmpl
}

// leaf assembles a Leaf from its certificate and key.
func (ca *CA) leaf(opts LeafOptions, der []byte, key crypto.PrivateKey, keyPEM []byte) (*Leaf, error) {
	leaf := &Leaf{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  keyPEM,
	}
	leaf.Cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	if !opts.SelfSigned {
		leaf.ChainPEM = append(append([]byte{}, leaf.CertPEM...), ca.PEM...)
	}
	leaf.Cert.Leaf, _ = x509.ParseCertificate(der)
	return leaf, nil
}

// issueRSA is Issue with a 2048-bit RSA key.
func (ca *CA) issueRSA(opts LeafOptions, names ...string) (*Leaf, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := leafTemplate(opts, names)
	tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment // RSA key exchange
	parent, signer := ca.Cert, any(ca.Key)
	if opts.SelfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return ca.leaf(opts, der, key, keyPEM)
}

// NewIntermediate makes an intermediate authority signed by ca; leaves it
// issues chain to ca only through it.
func (ca *CA) NewIntermediate() (*CA, error) {
	return newAuthority("postino test intermediate", 30*24*time.Hour, 5*365*24*time.Hour, ca)
}

// TLSConfig is a server-side TLS config presenting the leaf.
func (l *Leaf) TLSConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{l.Cert}}
}

// WriteFiles writes the leaf chain (leaf then CA, so clients get the
// intermediate-free chain) and key as PEM into dir under name.crt and
// name.key, and returns both paths.
func (l *Leaf) WriteFiles(dir, name string) (certPath, keyPath string, err error) {
	certPath = filepath.Join(dir, name+".crt")
	keyPath = filepath.Join(dir, name+".key")
	chain := l.ChainPEM
	if len(chain) == 0 {
		chain = l.CertPEM
	}
	if err = os.WriteFile(certPath, chain, 0o644); err != nil {
		return
	}
	err = os.WriteFile(keyPath, l.KeyPEM, 0o600)
	return
}
