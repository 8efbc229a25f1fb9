package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// needTool returns the path of a command the test needs; without it the
// test is skipped, or fails when CI=true and scripts/install-deps.sh
// installs it (required).
func needTool(t *testing.T, name string, required bool) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if required && os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (scripts/install-deps.sh installs it)", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheckJUnitSchema validates the JUnit output against the junit-4
// schema in testdata/junit with xmllint, for warnings passing and failing.
func TestCheckJUnitSchema(t *testing.T) {
	xmllint := needTool(t, "xmllint", true)
	for _, failOn := range []string{"error", "warning"} {
		f := writeTemp(t, "junit.xml", renderFixtures(t, "junit", false, failOn, nil))
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit", "JUnit.xsd"), f).CombinedOutput()
		if err != nil {
			t.Errorf("--fail-on %s: xmllint: %v\n%s", failOn, err, out)
		}
	}
}

// TestCheckJUnitConsumer reads the JUnit output back with junit2json, a
// JUnit parser from npm, installed into testdata/junit/consumer on first
// use. It needs npm and the registry, so it is never required.
func TestCheckJUnitConsumer(t *testing.T) {
	npm := needTool(t, "npm", false)
	dir := filepath.Join("testdata", "junit", "consumer")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "junit2json")); err != nil {
		// Bounded: an unreachable registry makes npm retry for minutes,
		// and this optional check must not hold the suite that long.
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent", "--fetch-retries=1").CombinedOutput(); err != nil {
			t.Skipf("npm install junit2json: %v\n%s", err, out)
		}
	}
	got := readJUnit(t, renderFixtures(t, "junit", false, "error", nil))
	// The fixture: 4 targets; the broken one's refused port is one
	// failure (the finding; the connect phase it explains is not
	// repeated), dead.test is an error, the warning target skips outgoing.
	if got.Suites != 4 || got.Failures != 1 || got.Errors != 1 || got.Skipped != 1 {
		t.Errorf("junit2json read %+v", got)
	}
	want := "bob@broken.test | bob@broken.test.outgoing | smtp smtp.broken.test:465 net.connect-refused | failure"
	if !strings.Contains(strings.Join(got.Cases, "\n"), want) {
		t.Errorf("no case %q in\n%s", want, strings.Join(got.Cases, "\n"))
	}
}

// junitRead is what the consumer counted.
type junitRead struct {
	Suites, Tests, Failures, Errors, Skipped int
	Cases                                    []string
}

// readJUnit has the consumer of testdata/junit/consumer (installed by
// TestCheckJUnitConsumer) read a JUnit file.
func readJUnit(t *testing.T, junit []byte) junitRead {
	t.Helper()
	dir := filepath.Join("testdata", "junit", "consumer")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "junit2json")); err != nil {
		t.Skip("junit2json is not installed in testdata/junit/consumer")
	}
	node := needTool(t, "node", false)
	out, err := exec.Command(node, filepath.Join(dir, "read.mjs"), writeTemp(t, "junit.xml", junit)).Output()
	if err != nil {
		t.Fatalf("node read.mjs: %v", err)
	}
	var got junitRead
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return got
}

// TestCheckPrometheusFormat checks the exposition with promtool (Debian's
// prometheus package) and, always, the rules promtool would apply that
// matter most: one HELP and TYPE per family, its samples together, no
// repeated series.
func TestCheckPrometheusFormat(t *testing.T) {
	for _, single := range []bool{false, true} {
		out := renderFixtures(t, "prometheus", single, "error", nil)
		checkExposition(t, string(out))
		if p, err := exec.LookPath("promtool"); err == nil {
			cmd := exec.Command(p, "check", "metrics")
			cmd.Stdin = strings.NewReader(string(out))
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("promtool check metrics: %v\n%s", err, msg)
			}
		}
	}
}

var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (NaN|[-+0-9.e]+)$`)

func checkExposition(t *testing.T, s string) {
	t.Helper()
	typed, series := map[string]bool{}, map[string]bool{}
	current := ""
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if f, ok := strings.CutPrefix(l, "# TYPE "); ok {
			name := strings.Fields(f)[0]
			if typed[name] {
				t.Errorf("second TYPE for %s", name)
			}
			typed[name], current = true, name
			continue
		}
		if strings.HasPrefix(l, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a sample line: %q", l)
			continue
		}
		if fam := strings.TrimSuffix(strings.TrimSuffix(m[1], "_sum"), "_count"); m[1] != current && fam != current {
			t.Errorf("sample %q outside its family's group (current %s)", l, current)
		}
		key := l[:strings.LastIndexByte(l, ' ')]
		if series[key] {
			t.Errorf("repeated series %s", key)
		}
		series[key] = true
	}
}

// nagiosPerf is one perfdata item as the monitoring-plugins guidelines
// define it: 'label'=value[UOM];[warn];[crit];[min];[max].
const nagiosPerf = `'([^']|'')+'=[-0-9.]+(s|ms|us|%|B|KB|MB|TB|c)?(;[-0-9.:~@]*){0,4}`

// nagiosFirstLine is the plugin output's first line: SERVICE STATE -
// text, then optionally | and perfdata items.
var nagiosFirstLine = regexp.MustCompile(`^POSTINO (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+(\|` + nagiosPerf + `( ` + nagiosPerf + `)*)?$`)

var (
	nagiosSubcheck     = regexp.MustCompile(`^( {2})*\\_\[(OK|WARNING|CRITICAL|UNKNOWN)\] - [^|]*$`)
	nagiosLastSubcheck = regexp.MustCompile(`^( {2})*\\_\[(OK|WARNING|CRITICAL|UNKNOWN)\] - [^|]* \| ` + nagiosPerf + `$`)
	nagiosPerfLine     = regexp.MustCompile(`^` + nagiosPerf + `( ` + nagiosPerf + `)*$`)
)

// parseNagios reads plugin output as the Nagios plugin API lays it out:
// "TEXT | PERFDATA", long text lines, and after a | on the last of them
// more perfdata, a line at a time. It returns the first line and the
// number of perfdata items.
func parseNagios(t *testing.T, out string) (first string, perf int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	first = lines[0]
	if !nagiosFirstLine.MatchString(first) {
		t.Errorf("first line does not follow the plugin guidelines:\n%s", first)
	}
	if i := strings.IndexByte(first, '|'); i >= 0 {
		perf += strings.Count(first[i:], "'=")
	}
	inPerf := false
	for _, l := range lines[1:] {
		switch {
		case inPerf && nagiosPerfLine.MatchString(l):
			perf += strings.Count(l, "'=")
		case !inPerf && nagiosSubcheck.MatchString(l):
		case !inPerf && nagiosLastSubcheck.MatchString(l):
			inPerf = true
			perf++
		default:
			t.Errorf("not a subcheck or perfdata line: %q", l)
		}
	}
	return first, perf
}

// TestCheckNagiosFormat checks the plugin output's shape: perfdata on the
// first line for one target, after the long output for several.
func TestCheckNagiosFormat(t *testing.T) {
	for _, single := range []bool{false, true} {
		first, perf := parseNagios(t, string(renderFixtures(t, "nagios", single, "warning", nil)))
		if want := map[bool]int{false: 30, true: 14}[single]; perf != want {
			t.Errorf("single %v: %d perfdata items, want %d", single, perf, want)
		}
		if strings.Contains(first, "|") == !single {
			t.Errorf("single %v: first line %q", single, first)
		}
	}
}

// TestCheckNagios300Targets: the status line stays a short summary (Nagios
// keeps 8 KB of output at most) however many targets and however long
// their names.
func TestCheckNagios300Targets(t *testing.T) {
	var buf bytes.Buffer
	n := &checkNagios{o: checkFormatOptions{w: &buf, failOn: "warning"}}
	sum := newSummary("warning")
	for i := range 300 {
		r := fixtureResults()[i%4]
		r.Target = fmt.Sprintf("%s-%d-%s", r.Target, i, strings.Repeat("x", 200))
		sum.add(r)
		n.result(r)
	}
	n.finish(sum)
	first, perf := parseNagios(t, buf.String())
	if len(first) > 1024 || perf != 75*30 {
		t.Errorf("first line %d bytes (want at most 1 KB), %d perfdata items (want %d):\n%s", len(first), perf, 75*30, first)
	}
}
