package commands

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/postino-mail/postino/probe/probetest"
)

// TestCheckOnHost: check imaps://localhost:PORT works from the hosts file
// alone (the resolver named is a closed port: DNS is never needed), and
// -v says where the address came from.
func TestCheckOnHost(t *testing.T) {
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile, err := ca.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()}).Port()
	hosts := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envHostsFile: hosts}
	target := "imaps://localhost:" + strconv.Itoa(port)
	out, stderr, status := runIn("", env, "check", target, "-v", "--ca-file", caFile,
		"--resolver", "127.0.0.1:"+strconv.Itoa(closedPort(t)), "--timeout", "10s", "--probe-timeout", "3s")
	t.Logf("%s%s", out, stderr)
	if status != 0 || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, target+"  incoming ok") {
		t.Errorf("exit status %d, want 0 and OK", status)
	}
	if !strings.Contains(out, "resolve A: A 127.0.0.1 (from "+hosts+")") {
		t.Errorf("-v does not say the address came from %s", hosts)
	}
	// Without the hosts file the same check needs DNS, which is not there.
	if _, _, status := runIn("", map[string]string{envHostsFile: filepath.Join(dir, "empty")}, "check", target, "--ca-file", caFile,
		"--resolver", "127.0.0.1:"+strconv.Itoa(closedPort(t)), "--timeout", "5s", "--probe-timeout", "1s"); status == 0 {
		t.Errorf("without the hosts entry: exit status 0, want a failure")
	}
}
