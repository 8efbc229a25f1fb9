package commands

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe/probetest"
)

// TestCheckOutputAtomic: while check runs, -o's file is still the old
// one; when the run ends it is the new one, with no temporary file left;
// an interrupted run leaves the old file.
func TestCheckOutputAtomic(t *testing.T) {
	tarpit := probetest.StartTarpit(t)
	target := fmt.Sprintf("imaps://127.0.0.1:%d", tarpit.Port())
	dir := t.TempDir()
	prom := filepath.Join(dir, "postino.prom")
	os.WriteFile(prom, []byte("old\n"), 0o600)

	for _, interrupt := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			var o, e bytes.Buffer
			done <- Run(ctx, []string{"postino", "check", target, "--format", "prometheus", "-o", prom, "--timeout", "1s"}, strings.NewReader(""), &o, &e, BuildInfo{Providers: []byte(emptyProviders)})
		}()
		time.Sleep(300 * time.Millisecond)
		if b, _ := os.ReadFile(prom); string(b) != "old\n" {
			t.Errorf("during the run the file is %q", b)
		}
		if interrupt {
			cancel()
		}
		<-done
		cancel()
		b, _ := os.ReadFile(prom)
		if interrupt != (string(b) == "old\n") || !interrupt && !strings.Contains(string(b), "probe_success 0\n") {
			t.Errorf("interrupted %v: the file is %q", interrupt, b)
		}
		if st, _ := os.Stat(prom); !interrupt && st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("interrupted %v: %d files left in the directory: %v", interrupt, len(entries), entries)
		}
		os.WriteFile(prom, []byte("old\n"), 0o600)
	}
}

// TestCheckSeveralFormats: GitHub annotations on standard output, JUnit
// and Prometheus files from the same run, each read by its checker.
func TestCheckSeveralFormats(t *testing.T) {
	imapPort, _, caFile, _ := testServers(t)
	closed := fmt.Sprintf("submissions://127.0.0.1:%d", closedPort(t))
	dir := t.TempDir()
	junit, prom := filepath.Join(dir, "postino.xml"), filepath.Join(dir, "postino.prom")
	stdout, stderr, st := runIn("", nil, "check", fmt.Sprintf("imaps://127.0.0.1:%d", imapPort), closed, "--ca-file", caFile,
		"--format", "github", "--write", "junit="+junit, "--write", "prometheus="+prom)
	if st != exitProblem || !strings.Contains(stdout, "::error title=postino submissions%3A//127.0.0.1") || !strings.Contains(stdout, "postino check: 2 targets: 1 ok") {
		t.Errorf("exit %d\n%s%s", st, stdout, stderr)
	}
	b, err := os.ReadFile(prom)
	if err != nil || !strings.Contains(string(b), `probe_success{target="imaps://127.0.0.1:`) {
		t.Errorf("prometheus file: %v\n%s", err, b)
	}
	checkExposition(t, string(b))
	if p, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(p, "check", "metrics")
		cmd.Stdin = bytes.NewReader(b)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool: %v\n%s", err, msg)
		}
	}
	xmllint := needTool(t, "xmllint", true)
	if msg, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit", "JUnit.xsd"), junit).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, msg)
	}
	j, _ := os.ReadFile(junit)
	if got := readJUnit(t, j); got.Suites != 2 || got.Failures != 1 {
		t.Errorf("the consumer read %+v", got)
	}
}

func TestCheckOutputFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--write", "junit"},
		{"--write", "nosuch=x.xml"},
		{"--write", "junit="},
		{"--format", "junit", "--write", "junit=" + filepath.Join(dir, "a.xml")},
		{"-o", filepath.Join(dir, "a"), "--write", "json=" + filepath.Join(dir, "a")},
		{"--write", "junit=" + filepath.Join(dir, "no", "such", "dir.xml")},
	} {
		_, stderr, st := runIn("", nil, append([]string{"check", "imaps://127.0.0.1:1"}, args...)...)
		if st != exitCannotRun || !strings.Contains(stderr, "postino: error: ") {
			t.Errorf("%v: exit %d\n%s", args, st, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused run left files: %v", entries)
	}
}
