package commands

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestNoProbeOffline: discover and config --no-probe work from the
// provider database alone (no DNS answers, no connection): discover's
// text names the unprobed recommendation, and config's text says the
// other servers were not checked and carries Gmail's advice.
func TestNoProbeOffline(t *testing.T) {
	db, err := os.ReadFile("../providers.json")
	if err != nil {
		t.Fatal(err)
	}
	deadDNS := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	run := func(args ...string) (string, string) {
		var o, e bytes.Buffer
		Run(context.Background(), append([]string{"postino"}, args...), strings.NewReader(""), &o, &e, BuildInfo{Providers: db})
		return o.String(), e.String()
	}
	out, stderr := run("discover", "alice@gmail.com", "--no-probe", "--resolver", deadDNS, "--timeout", "5s")
	for _, want := range []string{"INCOMING  ? not probed", "recommended: IMAP imap.gmail.com port 993, implicit TLS", "recommended: SMTP smtp.gmail.com port 465", "OUTGOING  ? not probed"} {
		if !strings.Contains(out, want) {
			t.Errorf("discover --no-probe lacks %q:\n%s%s", want, out, stderr)
		}
	}
	out, stderr = run("config", "alice@gmail.com", "--no-probe", "--resolver", deadDNS, "--timeout", "5s")
	if strings.Contains(out, "that work") {
		t.Errorf("config --no-probe claims servers work:\n%s", out)
	}
	for _, want := range []string{"Other servers the sources name, not checked", "These settings were not checked", "Before you start:", "create an app-password", "More help:"} {
		if !strings.Contains(out, want) {
			t.Errorf("config --no-probe lacks %q:\n%s%s", want, out, stderr)
		}
	}
}
