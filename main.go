// Command postino finds, tests and writes email account settings.
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"

	"github.com/postino-mail/postino/commands"
)

// The provider database, generated from the project's copy of the
// Thunderbird ISPDB and Delta Chat's provider notes (MPL-2.0).
//
//go:embed providers.json
var providersJSON []byte

// Set by the release build (goreleaser's -X main.version=…).
var version, commit, date = "", "", ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := commands.Run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, commands.BuildInfo{
		Version: version, Commit: commit, Date: date, Providers: providersJSON,
	})
	stop()
	os.Exit(code)
}
