package commands

import (
	"fmt"
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
		&cli.DurationFlag{Name: flgTimeout, Value: 30 * time.Second, Usage: "Give up on the whole run after this long.", Action: above0(flgTimeout)},
		&cli.DurationFlag{Name: flgProbeTimeout, Value: 10 * time.Second, Usage: "Give up on one connection attempt after this long.", Action: above0(flgProbeTimeout)},
		&cli.BoolFlag{Name: flgIPv4, Usage: "Connect over IPv4 only."},
		&cli.BoolFlag{Name: flgIPv6, Usage: "Connect over IPv6 only."},
		&cli.StringFlag{Name: flgFormat, Value: "text", Usage: "Print the result as text or json."},
		&cli.BoolFlag{Name: flgNoColor, Usage: "Never colour the output (NO_COLOR is honoured too)."},
		&cli.BoolFlag{Name: flgVerbose, Aliases: []string{"v"}, Usage: "Show every lookup's notes, every phase's timing and the protocol transcript."},
		&cli.StringFlag{Name: flgCAFile, Usage: "Also trust the CA certificates in this PEM file.", EnvVars: []string{"POSTINO_CA_FILE"}},
		&cli.IntFlag{Name: flgConcurrency, Value: 32, Usage: "Run at most this many probes at once.", Action: atLeast(flgConcurrency, 1)},
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

// Checks of flag values, one per kind of value: urfave/cli runs a flag's
// Action when the flag is given, before the command, and the error is a
// usage error (exit 3).

// above0 refuses a zero or negative duration: a timeout of 0 would end
// every step at once and blame the network.
func above0(name string) func(*cli.Context, time.Duration) error {
	return func(_ *cli.Context, d time.Duration) error {
		if d <= 0 {
			return usageError{fmt.Errorf("--%s %s: want a duration above zero, such as 10s", name, d)}
		}
		return nil
	}
}

// notNegative refuses a negative duration (zero means "none" or "no limit").
func notNegative(name string) func(*cli.Context, time.Duration) error {
	return func(_ *cli.Context, d time.Duration) error {
		if d < 0 {
			return usageError{fmt.Errorf("--%s %s: want zero or a positive duration", name, d)}
		}
		return nil
	}
}

// atLeast refuses a number below min.
func atLeast(name string, min int) func(*cli.Context, int) error {
	return func(_ *cli.Context, n int) error {
		if n < min {
			return usageError{fmt.Errorf("--%s %d: want at least %d", name, n, min)}
		}
		return nil
	}
}
