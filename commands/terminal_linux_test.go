package commands

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// runOnTerminal runs postino with standard output and error on a
// pseudo-terminal 80 columns wide and returns what the terminal got.
func runOnTerminal(t *testing.T, providers []byte, args ...string) string {
	t.Helper()
	master, slave := openPty(t)
	defer master.Close()
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 80}); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&got, master); close(done) }()
	Run(context.Background(), append([]string{"postino"}, args...), strings.NewReader(""), slave, slave, BuildInfo{Providers: providers})
	slave.Close()
	<-done
	return strings.ReplaceAll(got.String(), "\r\n", "\n")
}

var controlSequence = regexp.MustCompile("\x1b\\[|\r")

// TestTerminalOutput: on a terminal check's lines and discover's SOURCES
// fit its 80 columns, in colour; TERM=dumb gets neither colour nor the
// progress line's control sequences; a pipe and -v get full lines.
func TestTerminalOutput(t *testing.T) {
	db, err := os.ReadFile("../providers.json")
	if err != nil {
		t.Fatal(err)
	}
	deadDNS := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	refused := "submissions://127.0.0.1:" + strconv.Itoa(closedPort(t))
	check := []string{"check", refused, "--timeout", "5s", "--probe-timeout", "2s"}
	discover := []string{"discover", "alice@gmail.com", "--no-probe", "--resolver", deadDNS, "--timeout", "5s"}

	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	for _, args := range [][]string{check, discover} {
		out := runOnTerminal(t, db, args...)
		if !strings.Contains(out, "\x1b[") {
			t.Errorf("%s on a terminal: no colour:\n%s", args[0], out)
		}
		long := 0
		for _, l := range strings.Split(out, "\n") {
			// What the terminal shows: the progress line, drawn and erased
			// with "\r\033[K" on standard error, leaves what follows it.
			if i := strings.LastIndex(l, "\r\x1b[K"); i >= 0 {
				l = l[i+len("\r\x1b[K"):]
			}
			// postino's own warnings on standard error are messages, not
			// tables: a terminal wraps them.
			if visibleWidth(l) > 80 && !strings.HasPrefix(l, "postino: ") {
				t.Errorf("%s: %d columns on an 80-column terminal: %q", args[0], visibleWidth(l), l)
			}
			if strings.HasSuffix(strings.TrimSuffix(l, "\x1b[0m"), "…") {
				long++
			}
		}
		if long == 0 {
			t.Errorf("%s: nothing needed cutting: the test proves nothing:\n%s", args[0], out)
		}
		// With -v, every character.
		if verbose := runOnTerminal(t, db, append(args, "-v")...); !strings.Contains(verbose, "https://autoconfig.gmail.com/mail/config-v1.1.xml?emailaddress=alice%40gmail.com") && args[0] == "discover" {
			t.Errorf("discover -v cut the SOURCES:\n%s", verbose)
		}
	}

	t.Setenv("TERM", "dumb")
	for _, args := range [][]string{check, discover} {
		if out := runOnTerminal(t, db, args...); controlSequence.MatchString(out) {
			t.Errorf("%s with TERM=dumb: control sequences in %q", args[0], out)
		}
	}

	// A pipe: full lines.
	var o, e bytes.Buffer
	Run(context.Background(), append([]string{"postino"}, discover...), strings.NewReader(""), &o, &e, BuildInfo{Providers: db})
	if !strings.Contains(o.String(), "https://autoconfig.gmail.com/mail/config-v1.1.xml?emailaddress=alice%40gmail.com") || controlSequence.MatchString(o.String()) {
		t.Errorf("piped discover is cut or coloured:\n%s", o.String())
	}
}
