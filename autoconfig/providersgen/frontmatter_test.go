package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dump renders a value compactly for comparisons: scalars quoted, lists
// in [], mappings in {} with keys in file order.
func dump(v *yvalue) string {
	switch v.kind {
	case yList:
		var parts []string
		for _, x := range v.list {
			parts = append(parts, dump(x))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case yMap:
		var parts []string
		for _, k := range v.keys {
			parts = append(parts, k+"="+dump(v.fields[k]))
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return `"` + v.scalar + `"`
}

func TestParseYAML(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"scalars", "name: Gmail\nstatus: OK\n", `{name="Gmail" status="OK"}`},
		{"quoted", "a: \"x \\\"y\\\" # z\"\nb: 'it''s'\nc: plain # comment\n", `{a="x "y" # z" b="it's" c="plain"}`},
		{"url stays whole", "website: https://x.example/#frag\n", `{website="https://x.example/#frag"}`},
		{"indented list", "domains:\n  - a.example\n  - b.example\n", `{domains=["a.example" "b.example"]}`},
		{"list at the key's column", "domains:\n- a.example\n# note\n- '*.b.example'\nname: x\n", `{domains=["a.example" "*.b.example"] name="x"}`},
		{"list of mappings", "server:\n  - type: imap\n    port: 993\n  # between\n  - type: smtp\n    # inside\n    port: 465\n",
			`{server=[{type="imap" port="993"} {type="smtp" port="465"}]}`},
		{"list of mappings at the key's column", "server:\n- type: imap\n  port: 993\n- type: smtp\nx: y\n", `{server=[{type="imap" port="993"} {type="smtp"}] x="y"}`},
		{"whole document indented", " name: O\n domains: \n   - o.example\n", `{name="O" domains=["o.example"]}`},
		{"literal block", "hint: |\n    line one,\n    # not a comment\n\n      deeper\nnext: v\n", "{hint=\"line one,\n# not a comment\n\n  deeper\" next=\"v\"}"},
		{"folded block", "hint: >\n  a\n  b\n", `{hint="a b"}`},
		{"empty value", "before: \nafter: x\n", `{before="" after="x"}`},
		{"nested mapping", "opt:\n  strict_tls: false\n  max: 20\nname: n\n", `{opt={strict_tls="false" max="20"} name="n"}`},
		{"empty document", "# only a comment\n", `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := parseYAML(c.in)
			if err != nil {
				t.Fatalf("parseYAML: %v", err)
			}
			if got := dump(v); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestParseYAMLErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"tab", "a:\n\t- x\n", "tab in the indentation"},
		{"unterminated", "a: \"x\n", "unterminated"},
		{"text after quote", "a: \"x\" y\n", "text after a quoted string"},
		{"duplicate key", "a: 1\na: 2\n", "appears twice"},
		{"not a key", "a: 1\njust text\n", "expected \"key: value\""},
		{"bad indentation", "a: 1\n  b: 2\n", "unexpected indentation"},
		{"flow list", "a: [1, 2]\n", "flow collections"},
		{"alias", "a: *ref\n", "aliases"},
		{"top-level list", "- a\n- b\n", "not a mapping"},
		{"too deep", strings.Repeat("- ", 0) + deepList(40), "nested too deeply"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseYAML(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("parseYAML(%q) error %v, want one containing %q", c.in, err, c.want)
			}
		})
	}
}

// deepList nests n mappings, each one level deeper.
func deepList(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", n) + "v: x\n")
	return b.String()
}

func TestSplitFrontMatter(t *testing.T) {
	yaml, body, err := splitFrontMatter("---\r\na: 1\r\n---\r\n# Title\n")
	if err != nil || yaml != "a: 1" || body != "# Title\n" {
		t.Errorf("got %q, %q, %v", yaml, body, err)
	}
	if _, _, err := splitFrontMatter("# no front matter\n"); err != errNoFrontMatter {
		t.Errorf("error %v, want errNoFrontMatter", err)
	}
	if _, _, err := splitFrontMatter("---\na: 1\n"); err == nil {
		t.Error("no error for front matter without its closing ---")
	}
}

// FuzzParseDeltaChat feeds the Delta Chat note parser arbitrary input,
// seeded with every real note: it must never panic or hang, and whatever
// it accepts must hold a name, domains and only servers that pass the
// checks postino's database applies.
func FuzzParseDeltaChat(f *testing.F) {
	files, _ := filepath.Glob("data/deltachat/*.md")
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("---\nname: x\nstatus: OK\ndomains:\n- a.example\nserver:\n- type: imap\n  socket: SSL\n  hostname: i.a.example\n  port: 993\n---\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := parseDeltaChat("deltachat/fuzz.md", doc)
		if err != nil {
			return
		}
		if p.Name == "" || len(p.Domains) == 0 {
			t.Fatalf("accepted a note without name or domains: %+v", p)
		}
		for _, s := range p.Servers {
			if s.Host == "" || s.Port < 1 || s.Port > 65535 {
				t.Fatalf("accepted server %+v", s)
			}
		}
		// Parsing is a function of the input alone.
		again, _ := parseDeltaChat("deltachat/fuzz.md", doc)
		if !reflect.DeepEqual(p, again) {
			t.Fatal("two parses of the same input differ")
		}
	})
}
