package commands

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves every flag in front of the positional arguments, so
// that "postino discover alice@example.com --format json" and "postino
// --format json discover alice@example.com" both work: urfave/cli v2 stops
// parsing flags at the first positional argument. It must know which flags
// take a value, so that "--format json" keeps its "json".
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var cmd *cli.Command
	var flags, positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && takesValue(app, cmd, strings.TrimLeft(a, "-")) && i+1 < len(rest) {
				i++
				flags = append(flags, rest[i])
			}
			continue
		}
		if cmd == nil {
			if cmd = findCommand(app.Commands, a); cmd != nil {
				positional = append([]string{a}, positional...)
				continue
			}
		}
		positional = append(positional, a)
	}
	if cmd == nil {
		// No command: leave the app's own flags (--version, --help) be.
		return append([]string{args[0]}, append(flags, positional...)...)
	}
	// args[0], the command, its flags, then the positional arguments.
	out := []string{args[0], positional[0]}
	out = append(out, flags...)
	return append(out, positional[1:]...)
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

// takesValue reports whether the named flag of cmd (or, before the command
// is known, of any command) needs a value.
func takesValue(app *cli.App, cmd *cli.Command, name string) bool {
	cmds := app.Commands
	if cmd != nil {
		cmds = []*cli.Command{cmd}
	}
	for _, c := range cmds {
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				if n != name {
					continue
				}
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
