package commands

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPage renders "postino man" with man-db's man -l, as a person
// reading the shipped page would, and checks that every visible command is
// in it and groff has nothing to warn about.
func TestManPage(t *testing.T) {
	manBin, err := exec.LookPath("man")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("man is not installed (scripts/install-deps.sh installs man-db)")
		}
		t.Skip("man is not installed")
	}
	page, _, status := run("man")
	if status != 0 || !strings.HasPrefix(page, ".nh\n.TH postino 1") {
		t.Fatalf("postino man: status %d, %.60q", status, page)
	}
	file := filepath.Join(t.TempDir(), "postino.1")
	write(t, file, page)
	cmd := exec.Command(manBin, "--warnings", "-P", "cat", "-l", file)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "LANG=C.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{"NAME", "postino - find, test and write email account settings", "Exit status: 0",
		"discover", "providers", "   show", "completion", "--no-probe:", "--max-concurrent"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\nman\n") {
		t.Errorf("the hidden man command is in the page")
	}
}
