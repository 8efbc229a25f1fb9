package commands

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/check")

// golden compares got with testdata/check/NAME, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "check", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./commands -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// renderFixtures writes the fixture results in format f.
func renderFixtures(t *testing.T, f string, single bool, failOn string, env map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	results := fixtureResults()
	if single {
		results = results[:1]
	}
	fm, err := newCheckFormatter(f, checkFormatOptions{
		w: &buf, single: single, failOn: failOn, policy: checkPolicy{CertWarnDays: 14, CertCritDays: 7, WarnTime: 500 * time.Millisecond, CritTime: 2 * time.Second},
		env: func(k string) string { return env[k] }, hostname: "ci.example.test",
		now: func() time.Time { return time.Date(2029, 10, 24, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := newSummary(failOn)
	for _, r := range results {
		sum.add(r)
		if err := fm.result(r); err != nil {
			t.Fatal(err)
		}
	}
	sum.Duration = 0
	if err := fm.finish(sum); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheckGolden pins every format's output for the fixture targets (one
// healthy, one warning, one broken path, one that could not be tested),
// and one target alone where the format differs for it.
func TestCheckGolden(t *testing.T) {
	for _, f := range checkFormats {
		t.Run(f, func(t *testing.T) {
			env := map[string]string{"GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "summary.md")}
			golden(t, f+".golden", renderFixtures(t, f, false, "error", env))
			if f == "github" {
				md, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
				if err != nil {
					t.Fatal(err)
				}
				golden(t, "github-step-summary.md.golden", md)
			}
			if f != "github" && f != "junit" {
				golden(t, f+"-single.golden", renderFixtures(t, f, true, "error", env))
			}
		})
	}
}

// TestCheckGitHubEscaping pins @actions/core's escaping: %, CR and LF in
// messages; those and : and , in properties.
func TestCheckGitHubEscaping(t *testing.T) {
	if got := ghData("100% done\r\nnext: a,b"); got != "100%25 done%0D%0Anext: a,b" {
		t.Errorf("ghData = %q", got)
	}
	if got := ghProperty("imap a:993, b\n%"); got != "imap a%3A993%2C b%0A%25" {
		t.Errorf("ghProperty = %q", got)
	}
	out := string(renderFixtures(t, "github", false, "error", nil))
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "::") {
			title := strings.SplitN(strings.TrimPrefix(l[strings.Index(l, "title="):], "title="), "::", 2)[0]
			if strings.ContainsAny(title, ":,") {
				t.Errorf("unescaped : or , in a property: %q", l)
			}
		}
	}
}
