package probe_test

import (
	"context"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// BenchmarkLoginFlood logs in to servers that flood once the credentials
// are sent and reports the peak heap and the time until the probe gave
// up (docs/benchmarks.md, "Floods after the login"). Run with
// -benchtime 1x: each iteration lasts up to the 3 s probe timeout.
func BenchmarkLoginFlood(b *testing.B) {
	for _, c := range loginFloods {
		b.Run(c.name, func(b *testing.B) {
			port := startLoginFlood(b, c)
			srv := autoconfig.Server{Protocol: c.proto, Host: testHost, Port: port, Security: autoconfig.SecurityTLS}
			var peak uint64
			var took time.Duration
			for b.Loop() {
				h := startHeapPeak()
				start := time.Now()
				d := newProber(3*time.Second).Diagnose(context.Background(), srv,
					&probe.DiagnoseOptions{Trusted: true, Login: creds(testPassword)})
				took = time.Since(start)
				peak = max(peak, h.Done())
				if d.Login == nil || d.Login.OK {
					b.Fatalf("login %+v, want a failure", d.Login)
				}
				b.Logf("%s: %v %+v", c.name, diagCodes(d), d.Findings)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(took.Seconds(), "s/probe")
		})
	}
}
