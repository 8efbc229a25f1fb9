// Command findingsdoc writes docs/findings.md from the finding definitions
// of every package (autoconfig.FindingDefs, as linked into commands), so
// that the documentation and `postino explain` cannot drift apart. Run it
// with go generate ./commands.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/postino-mail/postino/commands"
)

func main() {
	out := flag.String("o", "docs/findings.md", "write the document to this file")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(commands.FindingsMarkdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "findingsdoc:", err)
		os.Exit(1)
	}
}
