package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPasswordPrompt: with a terminal on standard input and no other
// source of a password, postino test --login asks for it there, and the
// login works. script(1) gives the binary a pseudo-terminal.
func TestPasswordPrompt(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) (util-linux) is not installed")
	}
	w := startWorld(t)
	args := []string{postinoBinary(t), "test", "alice@srv.test", "--login", "--imap", "store.srv.test",
		"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--timeout", "30s", "--probe-timeout", "5s"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "-qec", strings.Join(args, " "), "/dev/null")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "POSTINO_PASSWORD=") && !strings.HasPrefix(kv, "POSTINO_OAUTH2_TOKEN=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "NO_COLOR=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var out bytes.Buffer
	cmd.Stdout = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Answer only once asked, as a person would.
	for !strings.Contains(snapshot(&mu, &out), "Password for alice@srv.test:") {
		if ctx.Err() != nil {
			t.Fatalf("no password prompt; output so far:\n%s", snapshot(&mu, &out))
		}
		time.Sleep(20 * time.Millisecond)
	}
	io.WriteString(stdin, "wonderland-srv.test\n")
	err = cmd.Wait()
	text := snapshot(&mu, &out)
	t.Logf("output under a pseudo-terminal:\n%s", text)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("exit status %d, want 0", ee.ExitCode())
	} else if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "as alice@srv.test with") {
		t.Errorf("no successful login in the output")
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func snapshot(mu *sync.Mutex, b *bytes.Buffer) string {
	mu.Lock()
	defer mu.Unlock()
	return b.String()
}
