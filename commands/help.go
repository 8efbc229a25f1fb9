package commands

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// helpCommand is "postino help [COMMAND [SUBCOMMAND]]": the same text as
// "postino COMMAND --help", and a suggestion for a misspelt name. It
// replaces urfave's own help command, which answers an unknown name with
// "No help topic" and no suggestion.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or one command's usage and flags",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action:    runHelp,
	}
}

func runHelp(c *cli.Context) error {
	args := []string{c.App.Name}
	parent, cmds := "", c.App.Commands
	for _, name := range c.Args().Slice() {
		cmd := findCommand(cmds, name)
		if cmd == nil {
			return unknownCommand(parent, name, cmds)
		}
		args = append(args, name)
		parent, cmds = strings.TrimSpace(parent+" "+name), cmd.Subcommands
	}
	return c.App.RunContext(c.Context, append(args, "--help"))
}
