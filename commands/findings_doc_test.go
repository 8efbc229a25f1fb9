package commands

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

// TestFindingsDocUpToDate: docs/findings.md is generated from the catalogue
// (go generate ./commands); a stale copy fails here.
func TestFindingsDocUpToDate(t *testing.T) {
	got, err := os.ReadFile("../docs/findings.md")
	if err != nil {
		t.Fatalf("%v (run: go generate ./commands)", err)
	}
	if string(got) != FindingsMarkdown() {
		t.Errorf("docs/findings.md differs from the catalogue: run go generate ./commands")
	}
}

// TestCatalogComplete: every code the code base can emit is in the
// catalogue, and every entry is complete.
func TestCatalogComplete(t *testing.T) {
	for _, code := range emittedCodes(t) {
		if _, ok := autoconfig.LookupFinding(code); !ok {
			t.Errorf("finding code %q is emitted but not in the catalogue (probe/catalog_*.go)", code)
		}
	}
	codeRE := regexp.MustCompile(`^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, e := range autoconfig.FindingDefs() {
		if !codeRE.MatchString(e.Code) || e.Severity == "" || e.Message == "" || len(e.Explanation) < 40 || len(e.Hint) < 8 {
			t.Errorf("incomplete entry %+v", e)
		}
	}
}

// emittedCodes collects the codes of probe's Code* constants and the code
// literals of package autoconfig (Finding{Code: "…"}, add("…"),
// dataFindings("…")).
func emittedCodes(t *testing.T) []string {
	var codes []string
	fset := token.NewFileSet()
	files, _ := filepath.Glob("../probe/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if strings.HasPrefix(name.Name, "Code") && i < len(vs.Values) {
					if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
						s, _ := strconv.Unquote(bl.Value)
						codes = append(codes, s)
					}
				}
			}
			return true
		})
	}
	lit := regexp.MustCompile(`(?:Code:\s*|\badd\(|dataFindings\(|\b[cC]ode\w*\s*=\s*)"([a-z0-9]+\.[a-z0-9-]+)"`)
	afiles, _ := filepath.Glob("../autoconfig/*.go")
	lfiles, _ := filepath.Glob("../autoconfig/lint/*.go")
	afiles = append(afiles, lfiles...)
	cfiles, _ := filepath.Glob("check_*.go")
	afiles = append(afiles, cfiles...)
	for _, f := range afiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			codes = append(codes, m[1])
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	if len(codes) < 30 {
		t.Fatalf("found only %d codes: the scan is broken", len(codes))
	}
	return codes
}
