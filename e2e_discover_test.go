package main

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// discoverJSON is the part of the postino/v1 document these tests read.
type discoverJSON struct {
	Schema   string `json:"schema"`
	Incoming side   `json:"incoming"`
	Outgoing side   `json:"outgoing"`
	Lookups  []struct {
		Source    string `json:"source"`
		Query     string `json:"query"`
		Outcome   string `json:"outcome"`
		ErrorKind string `json:"error_kind"`
	} `json:"lookups"`
}

type side struct {
	Status      string `json:"status"`
	Recommended *struct {
		Protocol string   `json:"protocol"`
		Host     string   `json:"host"`
		Port     int      `json:"port"`
		Security string   `json:"security"`
		Username string   `json:"username"`
		Sources  []string `json:"sources"`
		Trusted  bool     `json:"trusted"`
	} `json:"recommended"`
	Candidates []struct {
		Host  string `json:"host"`
		Port  int    `json:"port"`
		Probe *struct {
			Status    string `json:"status"`
			ErrorKind string `json:"error_kind"`
		} `json:"probe"`
	} `json:"candidates"`
}

// TestEndToEndDiscover runs the built binary against real Dovecot and
// Postfix for four domains, each published through one source only.
func TestEndToEndDiscover(t *testing.T) {
	w := startWorld(t)
	cases := []struct {
		address, source string
		in, out         string // protocol host:port security
	}{
		{"alice@srv.test", "srv", "imap store.srv.test:993 tls", "smtp store.srv.test:465 tls"},
		{"alice@ac.test", "autoconfig", "imap box.ac.test:993 tls", "smtp box.ac.test:587 starttls"},
		{"alice@ad.test", "autodiscover", "imap mbox.ad.test:993 tls", "smtp mbox.ad.test:465 tls"},
		{"alice@guess.test", "guess", "imap imap.guess.test:993 tls", "smtp smtp.guess.test:465 tls"},
	}
	for _, tc := range cases {
		t.Run(tc.address, func(t *testing.T) {
			args := []string{"discover", tc.address, "--resolver", w.dns.Addr(), "--ca-file", w.caFile,
				"--ispdb-url", w.ispdb, "--timeout", "20s", "--probe-timeout", "5s"}
			text, stderr, status, _ := runPostino(t, time.Minute, args...)
			t.Logf("postino %s\n%s%s", strings.Join(args, " "), text, stderr)
			if status != 0 {
				t.Errorf("text run: exit status %d, want 0", status)
			}
			out, stderr, status, _ := runPostino(t, time.Minute, append(args, "--format", "json")...)
			if status != 0 {
				t.Errorf("json run: exit status %d, want 0; stderr: %s", status, stderr)
			}
			var got discoverJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			if got.Schema != "postino/v1" {
				t.Errorf("schema %q", got.Schema)
			}
			checkSide(t, "incoming", got.Incoming, tc.in, tc.source, tc.address)
			checkSide(t, "outgoing", got.Outgoing, tc.out, tc.source, tc.address)
			for _, lk := range got.Lookups {
				if lk.Outcome == "found" && lk.Source != tc.source {
					t.Errorf("lookup %s %s found something; only %s should", lk.Source, lk.Query, tc.source)
				}
			}
		})
	}
}

func checkSide(t *testing.T, name string, s side, want, source, address string) {
	t.Helper()
	if s.Status != "ok" {
		t.Errorf("%s status %q, want ok", name, s.Status)
	}
	r := s.Recommended
	if r == nil {
		t.Fatalf("%s: nothing recommended", name)
	}
	got := r.Protocol + " " + net.JoinHostPort(r.Host, itoa(r.Port)) + " " + r.Security
	if got != want {
		t.Errorf("%s recommended %s, want %s", name, got, want)
	}
	if len(r.Sources) == 0 || r.Sources[0] != source || !r.Trusted {
		t.Errorf("%s recommended from %v (trusted %v), want %s (trusted)", name, r.Sources, r.Trusted, source)
	}
	if r.Username != address {
		t.Errorf("%s username %q, want %q", name, r.Username, address)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDiscoverDeadlines: a server that accepts and never speaks, and a DNS
// server that never answers, cannot hold discover past --timeout. No root
// needed: the SRV record names the tarpit's own port.
func TestDiscoverDeadlines(t *testing.T) {
	tarpit, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tarpit.Close()
	go func() {
		for {
			c, err := tarpit.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	port := uint16(tarpit.Addr().(*net.TCPAddr).Port)
	dns := resolvertest.NewServer(t, resolvertest.Zone{
		"_imaps._tcp.tarpit.test": {SRV: []resolvertest.SRV{{Target: "silent.tarpit.test", Port: port}}},
		"silent.tarpit.test":      {A: []string{"127.0.0.1"}},
	})

	t.Run("silent server", func(t *testing.T) {
		out, stderr, status, elapsed := runPostino(t, 30*time.Second, "discover", "alice@tarpit.test",
			"--resolver", dns.Addr(), "--timeout", "2s", "--probe-timeout", "60s", "--format", "json")
		t.Logf("exit %d after %v; stderr: %s", status, elapsed, stderr)
		if status != 2 {
			t.Errorf("exit status %d, want 2 (nothing usable)", status)
		}
		var got discoverJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		found := false
		for _, c := range got.Incoming.Candidates {
			if c.Host == "silent.tarpit.test" {
				found = true
				if c.Probe == nil || c.Probe.Status != "failed" || c.Probe.ErrorKind != "timeout" {
					t.Errorf("tarpit probe = %+v, want failed/timeout", c.Probe)
				}
			}
		}
		if !found {
			t.Errorf("the tarpit candidate is missing from %+v", got.Incoming)
		}
	})

	t.Run("silent resolver", func(t *testing.T) {
		silent, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		_, stderr, status, elapsed := runPostino(t, 30*time.Second, "discover", "alice@example.test",
			"--resolver", silent.LocalAddr().String(), "--timeout", "2s")
		t.Logf("exit %d after %v; stderr: %s", status, elapsed, stderr)
		if status != 3 {
			t.Errorf("exit status %d, want 3 (could not run: resolver unreachable)", status)
		}
		if !strings.Contains(stderr, "hint:") {
			t.Errorf("stderr has no hint: %s", stderr)
		}
	})
}
