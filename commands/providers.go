package commands

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// flgProvidersFile loads another database instead of the built-in one.
const flgProvidersFile = "providers-file"

// providersFileFlag is hidden: it exists for tests and for private mirrors
// of the database, not for everyday use.
func providersFileFlag() cli.Flag {
	return &cli.StringFlag{Name: flgProvidersFile, Hidden: true, EnvVars: []string{"POSTINO_PROVIDERS_FILE"},
		Usage: "Read the provider database from this file instead of the built-in one (for tests and private mirrors)."}
}

func providersCommand() *cli.Command {
	// search and show read the database only; verify probes.
	offline := globalFlagsOnly(flgFormat, flgNoColor, flgVerbose, flgProvidersFile)
	sub := func(name, usage, args string, action cli.ActionFunc) *cli.Command {
		flags := globalFlags()
		if name != "verify" {
			flags = offline
		}
		return &cli.Command{Name: name, Usage: usage, ArgsUsage: args, Action: action,
			Flags: flags, OnUsageError: onUsageError}
	}
	return &cli.Command{
		Name:  "providers",
		Usage: "search, show and re-verify the built-in provider database",
		Description: "The database is generated from the Thunderbird ISPDB, Delta Chat's provider notes,\n" +
			"postino's table of hosting providers recognised by MX host and postino's sourced overlay of\n" +
			"corrections (MPL-2.0; see the README). Every fact names its source and when it was checked.",
		Subcommands: []*cli.Command{
			withFlags(sub("search", "list the providers whose id, name or a domain contains TEXT; with --relays, the access providers' line relays", "TEXT", runProvidersSearch),
				&cli.BoolFlag{Name: flgRelays, Usage: "List the access providers' line relays (SMTP without login from their own lines, or a note that they have none) whose name, entry or host contains TEXT; all without TEXT."}),
			sub("show", "show one provider's entry: servers, hints, sources", "ID|DOMAIN|ADDRESS", runProvidersShow),
			sub("verify", "probe every server of the entries (all when none is named) and report stale ones", "[ID|DOMAIN...]", runProvidersVerify),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return unknownCommand("providers", c.Args().First(), c.Command.Subcommands)
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
}

// flgRelays makes providers search list line relays instead of entries.
const flgRelays = "relays"

func withFlags(cmd *cli.Command, fs ...cli.Flag) *cli.Command {
	cmd.Flags = append(cmd.Flags, fs...)
	return cmd
}

// loadProviders parses the database named by --providers-file, else the
// built-in one.
func loadProviders(c *cli.Context) (*autoconfig.ProviderDB, error) {
	return parseProviders(buildInfo(c).Providers, c.String(flgProvidersFile))
}

// parseProviders parses the database in file, else the built-in one.
func parseProviders(builtin []byte, file string) (*autoconfig.ProviderDB, error) {
	data, what := builtin, "built-in provider database"
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s: %w", flgProvidersFile, err)}
		}
		data, what = b, "provider database "+file
	}
	db, err := autoconfig.ParseProviders(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return db, nil
}

// notFound prints a "nothing found" error and ends with exit status 2: the
// command ran, and what was asked for is not there.
func notFound(c *cli.Context, hint, format string, a ...any) error {
	fmt.Fprintf(c.App.ErrWriter, "postino: error: %s\n", fmt.Sprintf(format, a...))
	fmt.Fprintf(c.App.ErrWriter, "postino: hint: %s\n", hint)
	return exitStatus(exitProblem)
}

func runProvidersSearch(c *cli.Context) error {
	text := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
	if c.Bool(flgRelays) {
		return runRelaySearch(c, text)
	}
	if text == "" {
		return usageError{fmt.Errorf("providers search needs a TEXT to look for")}
	}
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	db, err := loadProviders(c)
	if err != nil {
		return err
	}
	matches := db.Search(text)
	if err := out.providersSearch(text, matches); err != nil {
		return err
	}
	if len(matches) == 0 {
		return exitStatus(exitProblem)
	}
	return nil
}

// runRelaySearch lists the line relays whose access provider, entry or
// host contains text (all of them for an empty text).
func runRelaySearch(c *cli.Context, text string) error {
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	db, err := loadProviders(c)
	if err != nil {
		return err
	}
	q := strings.ToLower(text)
	var found []autoconfig.LineRelay
	for _, r := range db.LineRelays() {
		hay := strings.ToLower(r.Name + " " + r.Provider)
		if r.Server != nil {
			hay += " " + r.Server.Host
		}
		if strings.Contains(hay, q) {
			found = append(found, r)
		}
	}
	if err := out.relaySearch(text, found); err != nil {
		return err
	}
	if len(found) == 0 {
		return exitStatus(exitProblem)
	}
	return nil
}

// relaysOf are the line relays of entry p's access provider.
func relaysOf(db *autoconfig.ProviderDB, p *autoconfig.Provider) []autoconfig.LineRelay {
	var out []autoconfig.LineRelay
	for _, r := range db.LineRelays() {
		if r.Provider == p.ID {
			out = append(out, r)
		}
	}
	return out
}

func runProvidersShow(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageError{fmt.Errorf("providers show needs exactly one ID, domain or address, got %d arguments", c.NArg())}
	}
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	db, err := loadProviders(c)
	if err != nil {
		return err
	}
	q := c.Args().First()
	p, how := findProvider(db, q)
	if p == nil {
		return notFound(c, "look for it with: postino providers search TEXT", "no provider with the id or domain %q", q)
	}
	return out.providersShow(q, how, p, relaysOf(db, p))
}

// findProvider finds an entry by id, else by the domain of q (a domain or
// an address); how says which.
func findProvider(db *autoconfig.ProviderDB, q string) (*autoconfig.Provider, string) {
	if p := db.ByID(q); p != nil {
		return p, "id"
	}
	if addr, err := autoconfig.ParseAddress(q); err == nil {
		if p := db.Lookup(addr.Domain); p != nil {
			return p, "domain"
		}
	}
	return nil, ""
}

// Verdicts of verify, per server and per entry.
const (
	verdictOK          = "ok"                // answered, certificate valid
	verdictCertificate = "certificate"       // answered, certificate not valid for the name
	verdictFailed      = "failed"            // did not answer its protocol
	verdictExpected    = "failed-restricted" // a restricted server failed, as it may off its network
	verdictSkipped     = "skipped"           // not probed (an .onion address)
	verdictUnverified  = "unverified"        // the deadline or a dead resolver cut the probe short

	entryOK         = "ok"
	entryStale      = "stale"
	entryUnverified = "unverified"
	entrySkipped    = "skipped" // no server postino can probe from here
	entryNoServers  = "no-servers"
)

// verifiedServer is one server of an entry and what its probe found.
type verifiedServer struct {
	autoconfig.Server
	Condition string                  `json:"condition,omitempty"`
	Verdict   string                  `json:"verdict"`
	Probe     *autoconfig.ProbeResult `json:"probe"`
}

// verifiedEntry is one entry's verdict.
type verifiedEntry struct {
	ID          string           `json:"id"`
	DisplayName string           `json:"display_name"`
	Status      string           `json:"status"`
	Servers     []verifiedServer `json:"servers"`
	// CheckedOldest and CheckedNewest span the dates of the entry's
	// sources; AgeDays counts the days since the oldest: how old the
	// facts being verified are.
	CheckedOldest string `json:"checked_oldest,omitempty"`
	CheckedNewest string `json:"checked_newest,omitempty"`
	AgeDays       *int   `json:"age_days,omitempty"`
}

func runProvidersVerify(c *cli.Context) error {
	out, err := newOutput(c)
	if err != nil {
		return err
	}
	db, err := loadProviders(c)
	if err != nil {
		return err
	}
	var entries []*autoconfig.Provider
	for _, q := range c.Args().Slice() {
		p, _ := findProvider(db, q)
		if p == nil {
			return withHint(usageError{fmt.Errorf("providers verify: no provider with the id or domain %q", q)},
				"look for it with: postino providers search TEXT")
		}
		entries = append(entries, p)
	}
	if c.NArg() == 0 {
		for i := range db.Providers {
			entries = append(entries, &db.Providers[i])
		}
	}
	s, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	ns, err := newNetSetup(s)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Context, s.Timeout)
	defer cancel()
	start := time.Now()
	results, dnsDead := verifyEntries(ctx, entries, ns.prober(), s.Concurrency)
	if err := out.providersVerify(results, autoconfig.Duration(time.Since(start))); err != nil {
		return err
	}
	return verifyExit(results, dnsDead)
}

// verifyEntries probes every server of entries, each distinct server once,
// at most concurrency at a time, and judges each entry. dnsDead reports
// that no DNS question got an answer: then the run says nothing about the
// entries.
func verifyEntries(ctx context.Context, entries []*autoconfig.Provider, prober autoconfig.Prober, concurrency int) (results []verifiedEntry, dnsDead bool) {
	results = make([]verifiedEntry, len(entries))
	var todo []autoconfig.Server // distinct servers, in entry order
	index := map[string]int{}
	for i, p := range entries {
		results[i] = verifiedEntry{ID: p.ID, DisplayName: p.DisplayName, Servers: []verifiedServer{}}
		results[i].CheckedOldest, results[i].CheckedNewest = p.Checked()
		if d, ok := autoconfig.SourceAge(results[i].CheckedOldest, time.Now()); ok {
			days := int(d.Hours() / 24)
			results[i].AgeDays = &days
		}
		addr := autoconfig.Address{Domain: sampleDomain(p)}
		for _, s := range append(append([]autoconfig.ProviderServer(nil), p.Incoming...), p.Outgoing...) {
			srv := s.For(addr)
			results[i].Servers = append(results[i].Servers, verifiedServer{Server: srv, Condition: s.Condition})
			if _, ok := index[srv.Key()]; !ok && !strings.HasSuffix(srv.Host, ".onion") {
				index[srv.Key()] = len(todo)
				todo = append(todo, srv)
			}
		}
	}
	done := make([]*autoconfig.ProbeResult, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(concurrency, 1))
	for i, srv := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				done[i] = prober.Probe(ctx, srv)
				<-sem
			case <-ctx.Done(): // left nil: not probed before the deadline
			}
		}()
	}
	wg.Wait()

	probes := map[string]*autoconfig.ProbeResult{}
	unverified := map[string]string{} // key → why the probe proves nothing
	runEnded, dnsFailed := ctx.Err() != nil, 0
	for key, i := range index {
		r := done[i]
		probes[key] = r
		switch {
		case r == nil || runEnded && (r.ErrorKind == "timeout" || r.ErrorKind == "canceled"):
			unverified[key] = "the run ended (--timeout) before this probe did"
		case dnsFailure(r):
			dnsFailed++
		}
	}
	dnsDead = len(index) > 0 && dnsFailed == len(index)
	if dnsDead {
		for key := range index {
			unverified[key] = "the DNS resolver did not answer"
		}
	}
	for i := range results {
		results[i].Status = judgeEntry(results[i].Servers, probes, unverified)
	}
	return results, dnsDead
}

// dnsFailure reports whether a probe failed because DNS did not answer
// (not because the name does not exist).
func dnsFailure(r *autoconfig.ProbeResult) bool {
	if r.Status != autoconfig.ProbeFailed || r.ErrorKind == "nxdomain" {
		return false
	}
	return len(r.Phases) == 0 || r.Phases[len(r.Phases)-1].Name == autoconfig.PhaseResolve
}

// sampleDomain is the domain used to fill %EMAILDOMAIN% in host names:
// the entry's first domain that is not a wildcard.
func sampleDomain(p *autoconfig.Provider) string {
	for _, d := range p.Domains {
		if !strings.HasPrefix(d, "*.") {
			return d
		}
	}
	return "example.com"
}

// judgeEntry gives each server its verdict and the entry its status: stale
// when any server a user could be sent to fails or shows a certificate a
// client would refuse; ok when none does and at least one was verified. A
// restricted server (the provider's own network only) may fail from
// elsewhere; that alone does not make the entry stale.
func judgeEntry(servers []verifiedServer, probes map[string]*autoconfig.ProbeResult, unverified map[string]string) string {
	if len(servers) == 0 {
		return entryNoServers
	}
	stale, incomplete, verified := false, false, false
	for i := range servers {
		s := &servers[i]
		r, probed := probes[s.Key()]
		s.Probe = r
		switch why, notProven := unverified[s.Key()]; {
		case !probed:
			s.Verdict = verdictSkipped
			s.Probe = &autoconfig.ProbeResult{Status: autoconfig.ProbeSkipped, Error: "an .onion address: it needs Tor"}
		case notProven:
			s.Verdict, incomplete = verdictUnverified, true
			if r == nil {
				s.Probe = &autoconfig.ProbeResult{Status: autoconfig.ProbeSkipped}
			}
			s.Probe.Error = why
		case r.Status == autoconfig.ProbeSkipped:
			s.Verdict = verdictSkipped
		case r.Verified():
			s.Verdict, verified = verdictOK, true
		case s.Condition != "" && r.Status != autoconfig.ProbeOK:
			s.Verdict = verdictExpected
		case r.Status == autoconfig.ProbeOK:
			s.Verdict, stale = verdictCertificate, true
		default:
			s.Verdict, stale = verdictFailed, true
		}
	}
	switch {
	case stale:
		return entryStale
	case incomplete:
		return entryUnverified
	case !verified:
		return entrySkipped
	}
	return entryOK
}

// verifyExit maps the entries' statuses to the Contract's exit status: 2
// when an entry is stale, 3 when the run could not check everything (no
// DNS answer at all, or the deadline came first).
func verifyExit(results []verifiedEntry, dnsDead bool) error {
	stale, unverified := false, false
	for _, e := range results {
		stale = stale || e.Status == entryStale
		unverified = unverified || e.Status == entryUnverified
	}
	switch {
	case dnsDead:
		return withHint(fmt.Errorf("the DNS resolver did not answer any question"),
			"check the network connection, or name a working resolver with --resolver HOST[:PORT]")
	case stale:
		return exitStatus(exitProblem)
	case unverified:
		return withHint(fmt.Errorf("the run ended before every server was probed"), "give it more time with --timeout, or name fewer entries")
	}
	return nil
}
