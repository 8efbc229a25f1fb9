package probe_test

import (
	"context"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe"
)

// heapCap is the most a flood may make the process hold: generous, far
// below the hundreds of MiB the floods reached before the handover was
// capped (docs/benchmarks.md).
const heapCap = 64 << 20

// TestLoginFloodBounded: a server that floods once the credentials are
// sent (an endless line, endless 535- lines, endless untagged replies)
// ends the login with a clear finding, within the probe's time, and
// without growing the heap. Not parallel: the heap is the process's.
func TestLoginFloodBounded(t *testing.T) {
	// Long enough that the caps, not the deadline, end every flood even
	// under the race detector, which slows go-imap's parsing of 4 MiB of
	// short untagged lines past 2 s on a loaded 2-core machine.
	const timeout = 15 * time.Second
	want := map[string]string{"pop3 endless line after PASS": probe.CodeServerProtocol}
	for _, c := range loginFloods {
		t.Run(c.name, func(t *testing.T) {
			srv := server(c.proto, "tls", startLoginFlood(t, c))
			h := startHeapPeak()
			start := time.Now()
			d := newProber(timeout).Diagnose(context.Background(), srv, &probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
			took, peak := time.Since(start), h.Done()
			code := probe.CodeResponseTooLarge
			if w, ok := want[c.name]; ok {
				code = w
			}
			if f, ok := diagFinding(d, code); !ok || d.Login == nil || d.Login.OK {
				t.Errorf("findings %v, login %+v; want a failed login with %s", diagCodes(d), d.Login, code)
			} else {
				t.Logf("%s: %s", f.Code, f.Message)
			}
			if took > 3*timeout {
				t.Errorf("took %v, want the probe's timeout (%v) at most, with room", took, timeout)
			}
			if peak > heapCap {
				t.Errorf("peak heap %d MiB, want under %d MiB", peak>>20, heapCap>>20)
			}
			assertNoSecret(t, d, testPassword)
		})
	}
}
