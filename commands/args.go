package commands

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves every flag in front of the positional arguments, so
// that "postino discover alice@example.com --format json" and "postino
// --format json discover alice@example.com" both work: urfave/cli v2 stops
// parsing flags at the first positional argument. A command's subcommands
// count as part of the command ("postino providers show gmail.com --format
// json" becomes "postino providers show --format json gmail.com"). It must
// know which flags take a value, so that "--format json" keeps its "json".
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var path []*cli.Command // the command, then its subcommands
	var names, flags, positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && takesValue(app, path, strings.TrimLeft(a, "-")) && i+1 < len(rest) {
				i++
				flags = append(flags, rest[i])
			}
			continue
		}
		// A word names a (sub)command until the first other positional.
		if len(positional) == 0 {
			cmds := app.Commands
			if len(path) > 0 {
				cmds = path[len(path)-1].Subcommands
			}
			if cmd := findCommand(cmds, a); cmd != nil {
				path = append(path, cmd)
				names = append(names, a)
				continue
			}
		}
		positional = append(positional, a)
	}
	if len(path) == 0 {
		// No command: leave the app's own flags (--version, --help) be.
		return append([]string{args[0]}, append(flags, positional...)...)
	}
	// args[0], the command and subcommands, their flags, then the
	// positional arguments.
	out := append([]string{args[0]}, names...)
	out = append(out, flags...)
	return append(out, positional...)
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// takesValue reports whether the named flag needs a value. It asks the
// deepest command named so far and the subcommands below it (one of which
// may yet be named), or every command when none is named yet.
func takesValue(app *cli.App, path []*cli.Command, name string) bool {
	cmds := app.Commands
	if len(path) > 0 {
		last := path[len(path)-1]
		cmds = append([]*cli.Command{last}, last.Subcommands...)
	}
	return takesValueIn(cmds, name, 0)
}

func takesValueIn(cmds []*cli.Command, name string, depth int) bool {
	for _, c := range cmds {
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				if n == name {
					_, isBool := f.(*cli.BoolFlag)
					return !isBool
				}
			}
		}
		if depth < 4 && takesValueIn(c.Subcommands, name, depth+1) {
			return true
		}
	}
	return false
}
