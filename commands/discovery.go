package commands

import (
	"context"
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
// the network set up from the settings, the provider database, the basic
// probe, the skipped sources and the Timeout deadline. progress, if not
// nil, shows the run on a terminal and returns the func that clears it.
func runDiscovery(ctx context.Context, s runSettings, addr autoconfig.Address, progress func(*autoconfig.Options) func()) (*autoconfig.Result, error) {
	ns, err := newNetSetup(s)
	if err != nil {
		return nil, err
	}
	opts, err := discoveryOptions(s, ns)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	stop := func() {}
	if progress != nil {
		stop = progress(opts)
	}
	res, err := autoconfig.Discover(ctx, addr, opts)
	stop()
	return res, err
}

// discoveryOptions are the discovery engine's options from the settings:
// every command that discovers (discover, config, lint, test, check,
// serve) asks the same sources the same way.
func discoveryOptions(s runSettings, ns *netSetup) (*autoconfig.Options, error) {
	db, err := parseProviders(s.BuiltinProviders, s.ProvidersFile)
	if err != nil {
		return nil, err
	}
	opts := &autoconfig.Options{
		Resolver:     ns.resolver,
		HTTP:         ns.http,
		Prober:       ns.prober(),
		Providers:    db,
		ISPDBURL:     s.ISPDBURL,
		ProbeTimeout: s.ProbeTimeout,
		Concurrency:  s.Concurrency,
		Disabled:     s.Skip,
	}
	if s.NoProbe {
		opts.Prober = nil
	}
	return opts, nil
}
