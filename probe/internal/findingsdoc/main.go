// Command findingsdoc writes docs/findings.md from the finding catalogue
// in package probe, so that the documentation and `postino explain` cannot
// drift apart. Run it with go generate ./probe.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/postino-mail/postino/probe"
)

func main() {
	out := flag.String("o", "docs/findings.md", "write the document to this file")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(probe.FindingsMarkdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "findingsdoc:", err)
		os.Exit(1)
	}
}
