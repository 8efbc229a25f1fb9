package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// prometheusConfig is the multi-target exporter pattern as
// blackbox_exporter's README deploys it: targets become ?target=, the
// exporter is the address.
const prometheusConfig = `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: postino
    metrics_path: /probe
    params:
      module: [default]
    static_configs:
      - targets: [%s]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: %s
`

// TestServeWithPrometheus has a real Prometheus (Debian's prometheus
// package) scrape postino serve, and asks Prometheus what it stored.
func TestServeWithPrometheus(t *testing.T) {
	prom := needTool(t, "prometheus", true)
	imapPort, smtpPort, caFile, _ := testServers(t)
	base := startServe(t, "", "--ca-file", caFile)
	targets := []string{"imaps://127.0.0.1:" + strconv.Itoa(imapPort), "smtps://127.0.0.1:" + strconv.Itoa(smtpPort)}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(prometheusConfig, `"`+strings.Join(targets, `", "`)+`"`, strings.TrimPrefix(base, "http://"))), 0o644)
	web, logs := startPrometheus(t, prom, dir, cfg)

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		got := promQuery(web, `probe_success{job="postino"}`)
		ok := 0
		for _, r := range got {
			if r.value == "1" && (r.instance == targets[0] || r.instance == targets[1]) {
				ok++
			}
		}
		if ok == 2 {
			// The phases made it too, with their labels.
			if ph := promQuery(web, `postino_phase_duration_seconds{phase="tls",instance="`+targets[0]+`"}`); len(ph) != 1 {
				t.Errorf("postino_phase_duration_seconds for tls: %v", ph)
			}
			return
		}
	}
	t.Fatalf("Prometheus did not store probe_success 1 for both targets within 30s; it has %v\nprometheus log:\n%s",
		promQuery(web, "up"), logs.String())
}

type promSample struct{ instance, value string }

// promQuery asks Prometheus' HTTP API for an instant vector.
func promQuery(web, q string) []promSample {
	resp, err := http.Get("http://" + web + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	var out []promSample
	for _, s := range r.Data.Result {
		if len(s.Value) == 2 {
			out = append(out, promSample{s.Metric["instance"], fmt.Sprint(s.Value[1])})
		}
	}
	return out
}

// startPrometheus runs the real Prometheus on cfgFile, its data in dir,
// until the test ends; it returns the web address and the process's log.
func startPrometheus(t *testing.T, prom, dir, cfgFile string) (web string, logs *syncBuffer) {
	t.Helper()
	web = fmt.Sprintf("127.0.0.1:%d", closedPort(t))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, prom, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+web, "--log.level=warn")
	logs = &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	return web, logs
}
