package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// discoveryFlags are the flags of every command that runs discovery
// (discover, config), besides the global ones.
func discoveryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
		&cli.StringSliceFlag{Name: flgSkip, Usage: "Do not ask this source (" + strings.Join(autoconfig.SourceNames(), ", ") + "); repeatable."},
		&cli.BoolFlag{Name: flgNoProbe, Usage: "Do not connect to the servers found: rank what the sources say, unverified (offline, or behind a firewall that blocks mail ports)."},
	}
}

// runDiscovery runs discovery for addr the way `postino discover` does:
// the network set up from the global flags, the built-in provider
// database, the basic probe, --skip and the --timeout deadline. progress,
// if not nil, shows the run on a terminal and returns the func that clears
// it.
func runDiscovery(c *cli.Context, addr autoconfig.Address, progress func(*autoconfig.Options) func()) (*autoconfig.Result, error) {
	ns, err := newNetSetup(c)
	if err != nil {
		return nil, err
	}
	opts, err := discoveryOptions(c, ns)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(c.Context, c.Duration(flgTimeout))
	defer cancel()
	stop := func() {}
	if progress != nil {
		stop = progress(opts)
	}
	res, err := autoconfig.Discover(ctx, addr, opts)
	stop()
	return res, err
}

// discoveryOptions are the discovery engine's options from the flags:
// every command that discovers (discover, config, test, check) asks the
// same sources the same way.
func discoveryOptions(c *cli.Context, ns *netSetup) (*autoconfig.Options, error) {
	db, err := loadProviders(c)
	if err != nil {
		return nil, err
	}
	opts := &autoconfig.Options{
		Resolver:     ns.resolver,
		HTTP:         ns.http,
		Prober:       ns.prober(c.Duration(flgProbeTimeout)),
		Providers:    db,
		ISPDBURL:     c.String(flgISPDBURL),
		ProbeTimeout: c.Duration(flgProbeTimeout),
		Concurrency:  c.Int(flgConcurrency),
	}
	if c.Bool(flgNoProbe) {
		opts.Prober = nil
	}
	for _, s := range c.StringSlice(flgSkip) {
		if !autoconfig.KnownSource(autoconfig.Source(s)) {
			return nil, usageError{fmt.Errorf("--skip %q: not a source", s)}
		}
		opts.Disabled = append(opts.Disabled, autoconfig.Source(s))
	}
	return opts, nil
}
