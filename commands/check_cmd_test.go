package commands

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// TestCheckCommand runs check on in-process servers named by URL in every
// format: healthy targets exit 0, a closed port exits 2 and is named.
func TestCheckCommand(t *testing.T) {
	imapPort, smtpPort, caFile, _ := testServers(t)
	good := []string{"imaps://127.0.0.1:" + strconv.Itoa(imapPort), "smtps://127.0.0.1:" + strconv.Itoa(smtpPort)}
	bad := "submissions://127.0.0.1:" + strconv.Itoa(closedPort(t))
	common := []string{"--ca-file", caFile, "--timeout", "5s", "--probe-timeout", "2s"}
	for _, f := range checkFormats {
		t.Run(f, func(t *testing.T) {
			out, errOut, st := runIn("", nil, append(append([]string{"check", "--format", f}, common...), good...)...)
			t.Logf("%s\n%s", out, errOut)
			if st != 0 {
				t.Errorf("healthy: exit %d, want 0", st)
			}
			out, errOut, st = runIn("", nil, append(append([]string{"check", "--format", f}, common...), append(good, bad)...)...)
			t.Logf("%s\n%s", out, errOut)
			if st != 2 {
				t.Errorf("closed port: exit %d, want 2", st)
			}
			if !strings.Contains(out, "127.0.0.1") {
				t.Errorf("output does not name the server")
			}
		})
	}
}
