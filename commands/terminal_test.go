package commands

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	s := &checkSummary{Targets: 570, OK: 560, Warning: 6, Critical: 3, Unknown: 1}
	// 570 targets took 4.783 s: 1,430 more take about 12 s.
	got := progressLine(s, 2000, 4783*time.Millisecond)
	if want := "570/2000 checked, about 12 s left: 560 ok, 6 warning, 3 critical, 1 unknown…"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	if got := progressLine(s, 0, time.Second); !strings.HasPrefix(got, "570 checked: ") {
		t.Errorf("without a total: %q", got)
	}
	if got := progressLine(s, 2000, 10*time.Minute); !strings.Contains(got, "about 25 min left") {
		t.Errorf("minutes: %q", got)
	}
}

func TestCountTargets(t *testing.T) {
	f := t.TempDir() + "/targets.txt"
	write(t, f, "# customers\nalice@example.com\n\n  imaps://mail.example.net:993  # the hub\n#done\n")
	for _, c := range []struct {
		args []string
		from string
		want int
	}{{[]string{"a@b.example", "c.example"}, "", 2}, {nil, f, 2}, {[]string{"-"}, "", 0}, {nil, "-", 0}} {
		if got := countTargets(c.args, c.from); got != c.want {
			t.Errorf("countTargets(%v, %q) = %d, want %d", c.args, c.from, got, c.want)
		}
	}
}

func TestFitWriter(t *testing.T) {
	var b bytes.Buffer
	w := newFitWriter(&b, 20, true)
	w.Write([]byte("\x1b[31mCRITICAL\x1b[0m imaps://mail.example.net:993  broken\n    FAIL  incoming connect: connection refused by the server\n"))
	w.Write([]byte("short\n"))
	got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"\x1b[31mCRITICAL\x1b[0m imaps://ma…",
		"    FAIL  incoming",
		"      connect:",
		"      connection",
		"      refused by the",
		"      server",
		"short",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	for _, l := range got {
		if visibleWidth(l) > 20 {
			t.Errorf("%q is %d columns", l, visibleWidth(l))
		}
	}
	if cut := cutVisible("\x1b[32mgreen text that goes on\x1b[0m", 8); cut != "\x1b[32mgreen t…\x1b[0m" {
		t.Errorf("a cut inside colour: %q", cut)
	}
	if s := shorten("https://autoconfig.example.com/mail/config-v1.1.xml", 21); s != "https://au…g-v1.1.xml" || len([]rune(s)) != 21 {
		t.Errorf("shorten: %q", s)
	}
	var p bytes.Buffer
	if newFitWriter(&p, 0, true) != &p {
		t.Errorf("width 0 must pass through")
	}
}
