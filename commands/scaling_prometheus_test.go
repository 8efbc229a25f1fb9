package commands

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe/probetest"
)

// hashmod is Prometheus' hashmod relabeling: the MD5 of the value, its
// last 8 bytes big-endian, modulo m (docs/scaling.md).
func hashmod(v string, m uint64) uint64 {
	sum := md5.Sum([]byte(v))
	return binary.BigEndian.Uint64(sum[8:]) % m
}

// TestShardedServeWithPrometheus proves docs/scaling.md: its scrape
// configuration, read from the document, has a real Prometheus spread the
// targets over two postino serve exporters, each target to exactly one of
// them (the one hashmod names), and every target is probed successfully.
func TestShardedServeWithPrometheus(t *testing.T) {
	prom := needTool(t, "prometheus", true)
	doc, err := os.ReadFile("../docs/scaling.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(scrape_configs:.*?)```").FindSubmatch(doc)
	if block == nil {
		t.Fatal("docs/scaling.md has no scrape_configs block")
	}

	// Targets with names of their own, all served by one IMAP server on
	// loopback through a hosts file; picked so that each shard gets three.
	dir := t.TempDir()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "*.shard.test")
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()}).Port()
	var picked, names []string
	perShard := map[uint64]int{}
	for i := 0; perShard[0] < 3 || perShard[1] < 3; i++ {
		name := fmt.Sprintf("mail%d.shard.test", i)
		tg := fmt.Sprintf("imaps://%s:%d", name, port)
		if s := hashmod(tg, 2); perShard[s] < 3 {
			perShard[s]++
			picked, names = append(picked, tg), append(names, name)
		}
	}
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 "+strings.Join(names, " ")+"\n"), 0o644)
	os.Setenv(envHostsFile, hosts)
	t.Cleanup(func() { os.Unsetenv(envHostsFile) })

	exporters := []string{startServe(t, "", "--ca-file", caFile), startServe(t, "", "--ca-file", caFile)}
	cfg := string(block[1])
	cfg = regexp.MustCompile(`scrape_interval: \S+`).ReplaceAllString(cfg, "scrape_interval: 1s")
	cfg = regexp.MustCompile(`scrape_timeout: \S+`).ReplaceAllString(cfg, "scrape_timeout: 1s")
	cfg = regexp.MustCompile(`(?m)- targets:\n(\s+- .*\n)+`).ReplaceAllString(cfg, "- targets: [\""+strings.Join(picked, `", "`)+"\"]\n")
	for i, e := range exporters {
		cfg = strings.ReplaceAll(cfg, fmt.Sprintf("postino-%d.example.net:9719", i), strings.TrimPrefix(e, "http://"))
	}
	cfgFile := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(cfgFile, []byte(cfg), 0o644)
	web, logs := startPrometheus(t, prom, dir, cfgFile)

	want := map[string]string{} // target → exporter host:port
	for _, tg := range picked {
		want[tg] = strings.TrimPrefix(exporters[hashmod(tg, 2)], "http://")
	}
	var last map[string][]string
	for deadline := time.Now().Add(45 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		last = probedBy(web)
		done := len(last) == len(picked)
		for tg, ex := range want {
			if len(last[tg]) != 1 || last[tg][0] != ex {
				done = false
			}
		}
		if done {
			break
		}
	}
	for tg, ex := range want {
		if len(last[tg]) != 1 || last[tg][0] != ex {
			t.Errorf("%s was probed successfully by %v, want exactly %s (hashmod %d)", tg, last[tg], ex, hashmod(tg, 2))
		}
	}
	if t.Failed() {
		t.Logf("prometheus.yml:\n%s\nprometheus log:\n%s", cfg, logs.String())
		return
	}
	// Each exporter's own metrics count the probes it ran: both worked.
	for _, e := range exporters {
		if n := servedProbes(t, e); n < 3 {
			t.Errorf("%s ran %d successful probes, want at least its 3 targets", e, n)
		}
	}
}

// probedBy asks Prometheus which exporter label each target's successful
// probe_success series carry.
func probedBy(web string) map[string][]string {
	resp, err := http.Get("http://" + web + "/api/v1/query?query=" + "probe_success%3D%3D1")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	out := map[string][]string{}
	for _, s := range r.Data.Result {
		out[s.Metric["instance"]] = append(out[s.Metric["instance"]], s.Metric["exporter"])
	}
	return out
}

// servedProbes reads postino_serve_probes_total{result="success"} from an
// exporter's /metrics.
func servedProbes(t *testing.T, base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`postino_serve_probes_total\{module="default",result="success"\} (\d+)`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
