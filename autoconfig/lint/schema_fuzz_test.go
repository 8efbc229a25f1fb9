package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidateAutoconfig: the schema check reads documents from any web
// server a domain names; whatever the bytes, it returns problems, never
// panics, and says a document nesting without end is a problem.
func FuzzValidateAutoconfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/schema/*.xml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(strings.Repeat("<a>", 100)))
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><clientConfig version="1.1"/>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_ = ValidateAutoconfig(doc)
	})
}

func TestValidateAutoconfigRefusesDeepNesting(t *testing.T) {
	doc := "<clientConfig>" + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + "</clientConfig>"
	problems := ValidateAutoconfig([]byte(doc))
	if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "nested more than") {
		t.Errorf("problems %q, want the nesting refused", problems)
	}
}
