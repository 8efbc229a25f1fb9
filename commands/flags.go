package commands

import (
	"time"

	"github.com/urfave/cli/v2"
)

// Flag names, shared by every command; each works before or after the
// command's arguments (args.go).
const (
	flgResolver     = "resolver"
	flgTimeout      = "timeout"
	flgProbeTimeout = "probe-timeout"
	flgIPv4         = "4"
	flgIPv6         = "6"
	flgFormat       = "format"
	flgNoColor      = "no-color"
	flgVerbose      = "verbose"
	flgCAFile       = "ca-file"
	flgConcurrency  = "concurrency"
	flgFailOn       = "fail-on"
	flgISPDBURL     = "ispdb-url"
	flgSkip         = "skip"
	flgNoProbe      = "no-probe"
)

// globalFlags are the flags shared by the commands, each accepted before
// or after the command's arguments. A command that has no use for some of
// them leaves them out (globalFlagsExcept, globalFlagsOnly), so that its
// help lists only what it reads.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flgResolver, Usage: "Ask this DNS server (HOST[:PORT]) instead of the system's.", EnvVars: []string{"POSTINO_RESOLVER"}},
		&cli.DurationFlag{Name: flgTimeout, Value: 30 * time.Second, Usage: "Give up on the whole run after this long."},
		&cli.DurationFlag{Name: flgProbeTimeout, Value: 10 * time.Second, Usage: "Give up on one connection attempt after this long."},
		&cli.BoolFlag{Name: flgIPv4, Usage: "Connect over IPv4 only."},
		&cli.BoolFlag{Name: flgIPv6, Usage: "Connect over IPv6 only."},
		&cli.StringFlag{Name: flgFormat, Value: "text", Usage: "Print the result as text or json."},
		&cli.BoolFlag{Name: flgNoColor, Usage: "Never colour the output (NO_COLOR is honoured too)."},
		&cli.BoolFlag{Name: flgVerbose, Aliases: []string{"v"}, Usage: "Show every lookup's notes, every phase's timing and the protocol transcript."},
		&cli.StringFlag{Name: flgCAFile, Usage: "Also trust the CA certificates in this PEM file.", EnvVars: []string{"POSTINO_CA_FILE"}},
		&cli.IntFlag{Name: flgConcurrency, Value: 32, Usage: "Run at most this many probes at once."},
		&cli.StringFlag{Name: flgFailOn, Value: "error", Usage: "Exit non-zero on error, or also on warning."},
		providersFileFlag(),
	}
}

// globalFlagsExcept is globalFlags without the named ones.
func globalFlagsExcept(names ...string) []cli.Flag {
	var out []cli.Flag
	for _, f := range globalFlags() {
		if !has(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

// globalFlagsOnly is the named global flags, in globalFlags' order.
func globalFlagsOnly(names ...string) []cli.Flag {
	var out []cli.Flag
	for _, f := range globalFlags() {
		if has(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}
