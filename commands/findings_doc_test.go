package commands

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
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

// TestCatalogComplete: every finding is built from a registered
// definition, and every definition is complete. Only FindingDef.New builds
// an autoconfig.Finding with content (autoconfig/findingdef.go); every
// FindingDef literal (a registered one or another wording of the same
// code) and every Code* constant names a registered code.
func TestCatalogComplete(t *testing.T) {
	codes, built := scanFindings(t)
	for _, b := range built {
		t.Errorf("%s builds an autoconfig.Finding by hand: define the code with autoconfig.DefineFinding and build it with the definition's On or New", b)
	}
	for _, c := range codes {
		if _, ok := autoconfig.LookupFinding(c.code); !ok {
			t.Errorf("%s: finding code %q has no registered definition (autoconfig.DefineFinding in the emitting package)", c.at, c.code)
		}
	}
	codeRE := regexp.MustCompile(`^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, e := range autoconfig.FindingDefs() {
		if !codeRE.MatchString(e.Code) || e.Severity == "" || e.Message == "" || len(e.Explanation) < 40 || len(e.Hint) < 8 {
			t.Errorf("incomplete entry %+v", e)
		}
	}
}

type codeUse struct{ code, at string }

// scanFindings reads every non-test Go file of the module. It returns the
// codes of the Code* string constants and of the Code field of every
// FindingDef literal whose code is a string or such a constant, and the
// places that build an autoconfig.Finding with content outside
// autoconfig/findingdef.go.
func scanFindings(t *testing.T) (codes []codeUse, built []string) {
	fset := token.NewFileSet()
	var files []*ast.File
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{} // Code* constant → code
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if strings.HasPrefix(name.Name, "Code") && i < len(vs.Values) {
						if s, ok := stringLit(vs.Values[i]); ok {
							consts[name.Name] = s
							codes = append(codes, codeUse{s, fset.Position(name.Pos()).String()})
						}
					}
				}
			}
			return true
		})
	}
	defs := 0
	for _, f := range files {
		inAutoconfig := f.Name.Name == "autoconfig"
		ast.Inspect(f, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			at := fset.Position(cl.Pos())
			switch typeName(cl.Type, inAutoconfig) {
			case "Finding":
				if len(cl.Elts) > 0 && filepath.Base(at.Filename) != "findingdef.go" {
					built = append(built, at.String())
				}
			case "FindingDef":
				defs++
				for _, e := range cl.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if k, _ := kv.Key.(*ast.Ident); !ok || k == nil || k.Name != "Code" {
						continue
					}
					if s, ok := stringLit(kv.Value); ok {
						codes = append(codes, codeUse{s, at.String()})
					} else if s, ok := consts[constName(kv.Value)]; ok {
						codes = append(codes, codeUse{s, at.String()})
					}
				}
			}
			return true
		})
	}
	if len(codes) < 100 || defs < 80 {
		t.Fatalf("found only %d codes in %d definitions: the scan is broken", len(codes), defs)
	}
	return codes, built
}

// typeName is "Finding" or "FindingDef" when e names autoconfig's type.
func typeName(e ast.Expr, inAutoconfig bool) string {
	switch x := e.(type) {
	case *ast.Ident:
		if inAutoconfig {
			return x.Name
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "autoconfig" {
			return x.Sel.Name
		}
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

func constName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}
