package commands

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestFlagValues: every out-of-range value is a usage error (exit 3) that
// names the flag, before anything runs.
func TestFlagValues(t *testing.T) {
	for _, args := range [][]string{
		{"check", "x@example.test", "--timeout", "0"},
		{"check", "x@example.test", "--timeout", "-1s"},
		{"check", "x@example.test", "--probe-timeout", "-5s"},
		{"check", "x@example.test", "--probe-timeout", "0"},
		{"check", "x@example.test", "--concurrency", "0"},
		{"check", "x@example.test", "--concurrency", "-3"},
		{"check", "x@example.test", "--cert-warn-days", "-5"},
		{"check", "x@example.test", "--cert-crit-days", "-1"},
		{"check", "x@example.test", "--warn-time", "-5s"},
		{"check", "x@example.test", "--crit-time", "-1s"},
		{"test", "x@example.test", "--roundtrip-wait", "-1s"},
		{"test", "x@example.test", "--cert-warn-days", "-5"},
		{"test", "x@example.test", "--timeout", "0"},
		{"discover", "example.test", "--probe-timeout", "0"},
		{"discover", "example.test", "--concurrency", "0"},
		{"serve", "--max-concurrent", "0"},
		{"serve", "--max-connections", "-1"},
	} {
		_, stderr, st := runIn("", nil, args...)
		flag := args[len(args)-2]
		if st != exitCannotRun || !strings.Contains(stderr, "postino: error: "+flag+" ") {
			t.Errorf("%v: exit %d, want 3 and an error naming %s:\n%s", args, st, flag, stderr)
		}
	}
}

// TestCheckDeadResolver: a resolver that answers nothing makes every kind
// of target UNKNOWN (exit 3), URL targets too.
func TestCheckDeadResolver(t *testing.T) {
	dead := fmt.Sprintf("127.0.0.1:%d", closedPort(t))
	for _, target := range []string{"imaps://mail.example.test:993", "alice@example.test", "submission://smtp.example.test"} {
		var o, e bytes.Buffer
		st := Run(context.Background(), []string{"postino", "check", target, "--resolver", dead, "--timeout", "5s", "--ispdb-url", "http://" + dead + "/"},
			strings.NewReader(""), &o, &e, BuildInfo{Providers: []byte(emptyProviders)})
		stdout, stderr := o.String(), e.String()
		if st != exitCannotRun || !strings.Contains(stdout, "UNKNOWN") || !strings.Contains(stdout, "resolver did not answer") {
			t.Errorf("%s: exit %d, want 3 (UNKNOWN)\n%s%s", target, st, stdout, stderr)
		}
	}
}
