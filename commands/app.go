// Package commands is postino's command line: flags, the wiring of the
// discovery engine and probes, rendering of results and exit status.
package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// BuildInfo is what main knows about the binary.
type BuildInfo struct {
	Version, Commit, Date string
	Providers             []byte // providers.json
}

// versionString is "postino version X (commit, date) os/arch", falling
// back to the module version for `go install` builds.
func (b BuildInfo) versionString() string {
	v := b.Version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	s := "postino version " + v
	if b.Commit != "" {
		s += " (" + b.Commit
		if b.Date != "" {
			s += ", " + b.Date
		}
		s += ")"
	}
	return s + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// Run runs the command line args and returns the exit status (docs/json-schema.md,
// Exit status: 0 ok, 1 warnings with --fail-on warning, 2 a problem, 3 could
// not run).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, info BuildInfo) int {
	app := newApp(info, stdin, stdout, stderr)
	status := 0
	app.ExitErrHandler = func(c *cli.Context, err error) {}
	err := runRecovered(ctx, app, reorderArgs(app, args))
	if err != nil {
		status = reportError(stderr, err)
	}
	var st exitStatus
	if errors.As(err, &st) {
		status = int(st)
	}
	return status
}

func newApp(info BuildInfo, stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "Print the version and exit."}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, info.versionString()) }
	app := &cli.App{
		Name:  "postino",
		Usage: "find, test and write email account settings",
		Description: "Give postino an address or a domain: discover finds and verifies the servers, test diagnoses\n" +
			"each path, config writes the settings for a mail client, check and serve turn the tests into CI\n" +
			"and monitoring checks. Flags go before or after the arguments.\n\n" +
			"Exit status: 0 everything works; 1 warnings only, with --fail-on warning; 2 a problem (a path\n" +
			"broken, nothing found); 3 postino could not run (usage error, no network).",
		Version:              info.versionString(),
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		HideHelpCommand:      true,
		Metadata:             map[string]interface{}{"info": info},
		Commands: []*cli.Command{
			discoverCommand(), testCommand(), explainCommand(),
			providersCommand(),
			configCommand(), checkCommand(), serveCommand(), lintCommand(),
			completionCommand(), manCommand(), helpCommand(),
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return unknownCommand("", c.Args().First(), c.App.Commands)
			}
			return cli.ShowAppHelp(c)
		},
	}
	// Our own help command stops urfave from adding --help to the app, and
	// urfave's per-command "help" subcommand would take "postino discover
	// help" for a request for help: the flag is added here, the subcommand
	// never.
	app.Flags = append(app.Flags, cli.HelpFlag)
	for _, cmd := range app.Commands {
		cmd.OnUsageError = onUsageError
		cmd.HideHelpCommand = true
		for _, sub := range cmd.Subcommands {
			sub.HideHelpCommand = true
		}
	}
	return app
}

// onUsageError turns urfave's usage errors into ours, so they print as one
// "postino: error:" line with a hint instead of the whole help text.
func onUsageError(c *cli.Context, err error, _ bool) error { return unknownFlag(c, err) }

func buildInfo(c *cli.Context) BuildInfo { return c.App.Metadata["info"].(BuildInfo) }
