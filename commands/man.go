package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// manCommand prints postino(1), generated from the command definitions by
// urfave/cli (go-md2man). It is hidden: the release ships the page (see
// .goreleaser.yml), a person reads it with man postino.
func manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the man page (roff) generated from the commands",
		Hidden: true,
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(c.App.Writer, page)
			return err
		},
	}
}
