package probe

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// legacyConfig widens cfg to what crypto/tls still implements but no longer
// offers by default: TLS 1.0 and 1.1 (off by default since Go 1.22), RSA
// key exchange (Go 1.22), 3DES (Go 1.23) and the other suites Go calls
// insecure. A handshake with it, after a modern one failed, tells what the
// server lacks instead of a bare "handshake failure".
func legacyConfig(cfg *tls.Config) {
	cfg.MinVersion = tls.VersionTLS10
	cfg.MaxVersion = tls.VersionTLS13
	var ids []uint16
	for _, cs := range tls.CipherSuites() {
		ids = append(ids, cs.ID)
	}
	for _, cs := range tls.InsecureCipherSuites() {
		ids = append(ids, cs.ID)
	}
	cfg.CipherSuites = ids
}

// legacyLacks says what a server that only completes the legacy handshake
// lacks, given the version and cipher suite it chose there.
func legacyLacks(version, cipher uint16) []string {
	var lacks []string
	if version < tls.VersionTLS12 {
		lacks = append(lacks, fmt.Sprintf("it only speaks %s (mail clients and Go since 1.22 require TLS 1.2 or later)", tls.VersionName(version)))
	}
	name := tls.CipherSuiteName(cipher)
	switch {
	case strings.HasPrefix(name, "TLS_RSA_"):
		lacks = append(lacks, fmt.Sprintf("it only offers RSA key exchange (%s), without forward secrecy (ECDHE)", name))
	}
	switch {
	case strings.Contains(name, "3DES"):
		lacks = append(lacks, fmt.Sprintf("it only offers the 3DES cipher (%s)", name))
	case strings.Contains(name, "RC4"):
		lacks = append(lacks, fmt.Sprintf("it only offers the RC4 cipher (%s)", name))
	case strings.Contains(name, "_CBC_") && version >= tls.VersionTLS12 && !strings.HasPrefix(name, "TLS_RSA_"):
		lacks = append(lacks, fmt.Sprintf("it only offers CBC ciphers (%s), no AES-GCM or ChaCha20-Poly1305", name))
	}
	if len(lacks) == 0 {
		lacks = append(lacks, fmt.Sprintf("it needs a setting outside the modern defaults (%s, %s)", tls.VersionName(version), name))
	}
	return lacks
}
