package commands

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCompletionInShells types "postino dis<TAB>" and more into real bash,
// zsh and fish on a pseudo-terminal, with the scripts that "postino
// completion SHELL" prints installed the way the README says, and reads
// back what the shell completed.
func TestCompletionInShells(t *testing.T) {
	cases := []struct{ typed, want string }{
		{"postino dis\t", "postino discover "},
		{"postino providers sh\t", "postino providers show "},
		{"postino explain --fo\t", "postino explain --format "},
		{"postino check --fr\t", "postino check --from "},
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			bin, err := exec.LookPath(shell)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is not installed (scripts/install-deps.sh installs it)", shell)
				}
				t.Skipf("%s is not installed", shell)
			}
			script, _, status := run("completion", shell)
			if status != 0 {
				t.Fatalf("postino completion %s: status %d", shell, status)
			}
			for _, c := range cases {
				sh := startShell(t, bin, shell, script)
				sh.send(c.typed)
				if !sh.waitFor(c.want) {
					t.Errorf("%s: typing %q: want %q on the line, the terminal shows:\n%s", shell, c.typed, c.want, sh.screen())
				}
				sh.close()
			}
		})
	}
}

// ptyShell is an interactive shell on a pseudo-terminal.
type ptyShell struct {
	t   *testing.T
	pty *os.File
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

// startShell starts shell without the user's configuration, with the
// completion script installed as the README says, and waits for its
// prompt.
func startShell(t *testing.T, bin, shell, script string) *ptyShell {
	t.Helper()
	dir := t.TempDir()
	// fish loads a command's completions only when the command exists: a
	// "postino" on the PATH (the test binary; the scripts never run it).
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "bin"), 0o755)
	if err := os.Symlink(self, filepath.Join(dir, "bin", "postino")); err != nil {
		t.Fatal(err)
	}
	var args []string
	env := []string{"HOME=" + dir, "TERM=dumb", "PATH=" + filepath.Join(dir, "bin") + ":/usr/bin:/bin", "LANG=C.UTF-8", "PS1=READY> "}
	switch shell {
	case "bash":
		write(t, filepath.Join(dir, "postino.bash"), script)
		// As if sourced from ~/.bashrc.
		write(t, filepath.Join(dir, ".bashrc"), "PS1='READY> '\nsource "+filepath.Join(dir, "postino.bash")+"\n")
		args = []string{"--noprofile", "--rcfile", filepath.Join(dir, ".bashrc"), "-i"}
	case "zsh":
		// As a file in $fpath, found by compinit.
		os.Mkdir(filepath.Join(dir, "functions"), 0o755)
		write(t, filepath.Join(dir, "functions", "_postino"), script)
		write(t, filepath.Join(dir, ".zshrc"), "fpath=("+filepath.Join(dir, "functions")+" $fpath)\nautoload -Uz compinit && compinit -u\nPS1='READY> '\n")
		env = append(env, "ZDOTDIR="+dir)
		args = []string{"-i"}
	case "fish":
		// In ~/.config/fish/completions, where fish looks for it.
		os.MkdirAll(filepath.Join(dir, ".config", "fish", "completions"), 0o755)
		write(t, filepath.Join(dir, ".config", "fish", "completions", "postino.fish"), script)
		write(t, filepath.Join(dir, ".config", "fish", "config.fish"), "function fish_prompt; echo -n 'READY> '; end\nfunction fish_greeting; end\n")
		env = append(env, "XDG_CONFIG_HOME="+filepath.Join(dir, ".config"), "XDG_DATA_HOME="+filepath.Join(dir, "data"))
		args = []string{"-i"}
	}
	master, slave := openPty(t)
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	sh := &ptyShell{t: t, pty: master, cmd: cmd}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			sh.mu.Lock()
			sh.out.Write(buf[:n])
			sh.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(sh.close)
	if !sh.waitFor("READY> ") {
		t.Fatalf("%s gave no prompt:\n%s", shell, sh.screen())
	}
	sh.mu.Lock()
	sh.out.Reset()
	sh.mu.Unlock()
	return sh
}

func (s *ptyShell) send(keys string) {
	if _, err := s.pty.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

// escapes matches terminal control sequences, which the shells draw
// between the characters of the line.
var escapes = regexp.MustCompile(`\x1b(\[[0-9;?=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78M])|[\x00-\x08\x0e-\x1f\x7f]`)

// screen is the output so far without control sequences, with each
// carriage return starting the line over as a terminal would.
func (s *ptyShell) screen() string {
	s.mu.Lock()
	raw := s.out.String()
	s.mu.Unlock()
	var lines []string
	for _, l := range strings.Split(escapes.ReplaceAllString(raw, ""), "\n") {
		parts := strings.Split(l, "\r")
		line := ""
		for _, p := range parts {
			if len(p) >= len(line) {
				line = p
			} else {
				line = p + line[len(p):]
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until want is on the screen, for at most ten seconds (a
// deadline, not a measurement: the shells answer in milliseconds).
func (s *ptyShell) waitFor(want string) bool {
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(s.screen(), want) {
			return true
		}
	}
	return false
}

func (s *ptyShell) close() {
	if s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
	s.pty.Close()
}

// openPty opens a pseudo-terminal pair (pty(7): /dev/ptmx, unlock, name).
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 200}); err != nil {
		t.Fatal(err)
	}
	return m, s
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
