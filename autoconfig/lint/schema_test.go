package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateAutoconfigFixtures: each fixture's name says its verdict,
// and each bad one names its problem.
func TestValidateAutoconfigFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/schema/*.xml")
	if len(files) < 10 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := ValidateAutoconfig(doc)
		wantValid := strings.HasPrefix(filepath.Base(f), "good-")
		if (len(got) == 0) != wantValid {
			t.Errorf("%s: violations %q, want valid=%v", f, got, wantValid)
		}
	}
	if got := ValidateAutoconfig([]byte(`<clientConfig version="1"><emailProvider id="x"><incomingServer type="imap"><port>0</port></incomingServer></emailProvider></clientConfig>`)); len(got) != 1 || !strings.Contains(got[0], `clientConfig/emailProvider/incomingServer/port> is "0"`) {
		t.Errorf("port 0: %q", got)
	}
}

// TestValidateAutoconfigAgreesWithXmllint holds the Go validator's verdict
// against xmllint's, with the project's copy of the draft's schema, on
// every ISPDB file and every fixture.
func TestValidateAutoconfigAgreesWithXmllint(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is not installed (libxml2-utils)")
		}
		t.Skip("xmllint is not installed (libxml2-utils)")
	}
	ispdb, _ := filepath.Glob("../providersgen/data/ispdb/*.xml")
	fixtures, _ := filepath.Glob("testdata/schema/*.xml")
	if len(ispdb) < 150 {
		t.Fatalf("only %d ISPDB files", len(ispdb))
	}
	invalid := 0
	for _, f := range append(ispdb, fixtures...) {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--relaxng", "spec/autoconfig.rng", f).CombinedOutput()
		xmlValid := err == nil
		got := ValidateAutoconfig(doc)
		if (len(got) == 0) != xmlValid {
			t.Errorf("%s: postino says %q, xmllint says valid=%v\n%s", f, got, xmlValid, out)
		}
		if !xmlValid {
			invalid++
		}
	}
	if invalid < 10 {
		t.Errorf("only %d files invalid: the comparison proves little", invalid)
	}
}
