package autoconfig

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// sourceConstants reads the Source constants declared in lookup.go.
func sourceConstants(t *testing.T) []Source {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "lookup.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Source
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Source" {
				continue
			}
			for _, v := range vs.Values {
				s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, Source(s))
			}
		}
	}
	return out
}

func TestEverySourceConstantHasOneRow(t *testing.T) {
	consts := sourceConstants(t)
	if len(consts) == 0 {
		t.Fatal("found no Source constant in lookup.go")
	}
	for _, s := range consts {
		if !KnownSource(s) {
			t.Errorf("Source %q has no row in sourceTable", s)
		}
	}
	names := SourceNames()
	if len(names) != len(consts) {
		t.Errorf("sourceTable has %d rows %v, lookup.go declares %d sources %v", len(names), names, len(consts), consts)
	}
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			t.Errorf("source %q has two rows", n)
		}
	}
	if KnownSource("carrier-pigeon") {
		t.Error(`KnownSource("carrier-pigeon") = true`)
	}
}

// TestSourceRankIsRuleFive: the rank column orders the sources as
// docs/json-schema.md's ranking rule (5) lists them.
func TestSourceRankIsRuleFive(t *testing.T) {
	rule5 := [][]Source{
		{SourceSRV, SourceAutoconfig, SourceWellKnown},
		{SourceISPDB}, {SourceProviders}, {SourceMX}, {SourceAutodiscover},
		{SourceAutoconfigHTTP}, {SourceGuess},
	}
	for i, group := range rule5 {
		for _, s := range group {
			if got, want := sourceRank(s), sourceRank(group[0]); got != want {
				t.Errorf("sourceRank(%s) = %d, want %d as %s", s, got, want, group[0])
			}
			if i > 0 && sourceRank(s) <= sourceRank(rule5[i-1][0]) {
				t.Errorf("sourceRank(%s) = %d, want more than %s's %d", s, sourceRank(s), rule5[i-1][0], sourceRank(rule5[i-1][0]))
			}
		}
	}
	if got, want := sourceRank("carrier-pigeon"), sourceRank(SourceGuess); got != want {
		t.Errorf("an unknown source ranks %d, want %d, with guesses", got, want)
	}
}

// TestOnlyPlainHTTPIsNeverTrusted: the best key a source can earn is
// untrusted for plain-http autoconfig alone (docs/json-schema.md, Trust).
func TestOnlyPlainHTTPIsNeverTrusted(t *testing.T) {
	for _, name := range SourceNames() {
		s := Source(name)
		untrusted := bestPossible(s)[1] == 1
		if untrusted != (s == SourceAutoconfigHTTP) {
			t.Errorf("bestPossible(%s) untrusted = %v", s, untrusted)
		}
	}
}

// TestEachRowAsksItsOwnSource: every row's task builder asks something,
// and only in its own name, and --skip (Options.Disabled) removes exactly
// that source's tasks.
func TestEachRowAsksItsOwnSource(t *testing.T) {
	addr, _ := ParseAddress("alice@example.com")
	o := &Options{Providers: parseTestDB(t), ISPDBURL: "https://ispdb.example/", AutodiscoverGET: true}
	all := buildTasks(addr, o)
	for _, r := range sourceTable {
		ts := r.tasks(addr, o)
		if len(ts) == 0 {
			t.Errorf("%s: no task", r.source)
		}
		for _, tk := range ts {
			if tk.source != r.source {
				t.Errorf("%s: a task of source %s (%s)", r.source, tk.source, tk.query)
			}
		}
		without := buildTasks(addr, &Options{Providers: o.Providers, ISPDBURL: o.ISPDBURL, AutodiscoverGET: true, Disabled: []Source{r.source}})
		if len(without) != len(all)-len(ts) {
			t.Errorf("disabling %s: %d tasks, want %d", r.source, len(without), len(all)-len(ts))
		}
		for _, tk := range without {
			if tk.source == r.source {
				t.Errorf("disabling %s still asks %s", r.source, tk.query)
			}
		}
	}
}
