package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// DefaultISPDBURL is the Thunderbird ISPDB; the domain is appended.
const DefaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"

// Options configure Discover. Resolver and HTTP are required.
type Options struct {
	Resolver resolver.Resolver
	HTTP     *HTTPOptions
	// Prober checks each candidate as soon as it appears. Nil leaves every
	// candidate unprobed and every path's status unknown.
	Prober    Prober
	Providers *ProviderDB
	// ISPDBURL is the ISPDB base URL, to which the domain is appended.
	ISPDBURL string
	// ProbeTimeout bounds one probe (default 10s).
	ProbeTimeout time.Duration
	// Concurrency bounds the probes running at once (default 32).
	Concurrency int
	// GuessStagger delays the start of the i-th guessed probe of one host
	// by i times this much (default 25ms), so a burst of guesses does not
	// flood a server while a dead host still cannot hold up the others.
	GuessStagger time.Duration
	// Disabled sources are not asked.
	Disabled []Source
	// Complete asks every source to the end and probes every candidate,
	// instead of stopping once nothing pending can beat what is verified:
	// postino lint judges every publication, not only the winner.
	Complete bool
	// AutodiscoverGET also asks the two https Autodiscover URLs with GET,
	// as Delta Chat does (see LookupAutodiscoverGET).
	AutodiscoverGET bool
	// Progress, if set, is called (from one goroutine) with each lookup as
	// it completes and each candidate as its probe completes.
	Progress func(lk *Lookup, c *Candidate)
}

func (o *Options) withDefaults() Options {
	v := *o
	if v.ISPDBURL == "" {
		v.ISPDBURL = DefaultISPDBURL
	}
	if v.ProbeTimeout <= 0 {
		v.ProbeTimeout = 10 * time.Second
	}
	if v.Concurrency <= 0 {
		v.Concurrency = 32
	}
	if v.GuessStagger == 0 {
		v.GuessStagger = 25 * time.Millisecond
	}
	return v
}

func (o *Options) enabled(s Source) bool {
	for _, d := range o.Disabled {
		if d == s {
			return false
		}
	}
	return true
}

// Discover asks every source at once about addr, probes every candidate as
// it appears, and returns the ranked result. It ends when the best
// candidate of each path is verified and no pending source or probe could
// beat it, when everything is done, or at ctx's deadline, whichever comes
// first. The error is only for bad options or input; what each source and
// probe did is in the Result.
func Discover(ctx context.Context, addr Address, opts *Options) (*Result, error) {
	if opts == nil || opts.Resolver == nil || opts.HTTP == nil {
		return nil, errors.New("autoconfig: Discover needs a resolver and HTTP options")
	}
	if addr.Domain == "" {
		return nil, ErrInvalidAddress
	}
	o := opts.withDefaults()
	start := time.Now()
	e := newEngine(ctx, addr, &o)
	e.run(buildTasks(addr, &o))
	res := e.result()
	res.Duration = Duration(time.Since(start))
	return res, nil
}

// task is one unit of discovery work: it emits one or more lookups.
type task struct {
	source Source // the best-ranked source it can produce
	query  string // what it asks, reported if it never finishes
	run    func(ctx context.Context, emit func(Lookup))
}

type event struct {
	task   int // index of the task that emitted (lookup events)
	lookup *Lookup
	done   bool // the task has finished
	probe  *probeDone
}

type probeDone struct {
	key    string
	result *ProbeResult
}

// engine owns the state of one discovery run. Only run's goroutine touches
// its fields; sources and probes talk to it through events.
type engine struct {
	ctx          context.Context
	cancel       context.CancelFunc
	addr         Address
	o            *Options
	events       chan event
	finished     chan struct{} // closed when run returns: late senders give up
	sem          chan struct{}
	lookups      []Lookup
	cands        map[string]*Candidate
	order        []string // candidate keys in order of appearance
	pending      map[int]task
	probing      map[string]bool
	stoppedEarly bool
	// findings the run itself found (a published wrong security mode).
	findings []Finding
}

func newEngine(ctx context.Context, addr Address, o *Options) *engine {
	ctx, cancel := context.WithCancel(ctx)
	return &engine{
		ctx: ctx, cancel: cancel, addr: addr, o: o,
		events:   make(chan event, 64),
		finished: make(chan struct{}),
		sem:      make(chan struct{}, o.Concurrency),
		cands:    map[string]*Candidate{},
		pending:  map[int]task{},
		probing:  map[string]bool{},
	}
}

// send delivers an event unless the run is already over.
func (e *engine) send(ev event) {
	select {
	case e.events <- ev:
	case <-e.finished:
	}
}

func (e *engine) run(tasks []task) {
	defer close(e.finished)
	defer e.cancel()
	for i, t := range tasks {
		e.pending[i] = t
		go func(i int, t task) {
			emit := func(lk Lookup) { e.send(event{task: i, lookup: &lk}) }
			defer e.send(event{task: i, done: true})
			defer onPanic(func(err *InternalError) { emit(internalLookup(t.source, t.query, err)) })
			t.run(e.ctx, emit)
		}(i, t)
	}
	var grace <-chan time.Time
	for len(e.pending) > 0 || len(e.probing) > 0 {
		select {
		case ev := <-e.events:
			e.handle(ev)
		case <-grace:
			e.abandon()
			return
		}
		if !e.o.Complete && !e.stoppedEarly && e.settled(Incoming) && e.settled(Outgoing) {
			// Nothing still running can beat what is verified: stop it.
			e.stoppedEarly = true
			e.cancel()
		}
		if grace == nil && e.ctx.Err() != nil {
			// Sources and probes honour ctx; give them a moment to say
			// so, but never let one hold the run.
			grace = time.After(500 * time.Millisecond)
		}
	}
}

func (e *engine) handle(ev event) {
	switch {
	case ev.probe != nil:
		delete(e.probing, ev.probe.key)
		c := e.cands[ev.probe.key]
		c.Probe = ev.probe.result
		if e.stoppedEarly && c.Probe.Status != ProbeOK {
			c.Probe = &ProbeResult{Status: ProbeSkipped, Error: "not needed: a better candidate was verified"}
		}
		if len(c.Auth) == 0 {
			c.Auth = authFromProbe(c.Protocol, c.Probe)
			c.AuthFromProbe = len(c.Auth) > 0
		}
		e.correctMode(c)
		if e.o.Progress != nil {
			e.o.Progress(nil, c)
		}
	case ev.done:
		delete(e.pending, ev.task)
	default:
		lk := *ev.lookup
		if e.stoppedEarly && lk.Outcome == OutcomeError {
			lk.Outcome, lk.ErrorKind, lk.Error = OutcomeCancelled, "", "not needed: a better candidate was verified"
		}
		e.lookups = append(e.lookups, lk)
		if e.o.Progress != nil {
			e.o.Progress(&lk, nil)
		}
		e.add(lk)
	}
}

// abandon records whatever did not finish within the grace period.
func (e *engine) abandon() {
	why, kind := "not needed: a better candidate was verified", ""
	outcome := OutcomeCancelled
	if !e.stoppedEarly {
		why, kind, outcome = "no answer before the deadline", "timeout", OutcomeError
	}
	for _, t := range e.pending {
		e.lookups = append(e.lookups, Lookup{Source: t.source, Query: t.query, Outcome: outcome, ErrorKind: kind, Error: why})
	}
	for key := range e.probing {
		e.cands[key].Probe = &ProbeResult{Status: ProbeFailed, ErrorKind: "timeout", Error: why}
		if e.stoppedEarly {
			e.cands[key].Probe.Status, e.cands[key].Probe.ErrorKind = ProbeSkipped, ""
		}
	}
}

// add merges a lookup's servers into the candidates and starts a probe for
// each new one.
func (e *engine) add(lk Lookup) {
	for i, s := range lk.Servers {
		pref := i
		if lk.prefs != nil {
			pref = lk.prefs[i]
		}
		key := s.Key()
		c, ok := e.cands[key]
		if !ok {
			c = &Candidate{Server: s, Sources: []Source{lk.Source}, Trusted: lk.Trusted, pref: pref, srcRank: sourceRank(lk.Source),
				origins: map[Source]string{lk.Source: lk.Query}}
			if lk.Trusted && lk.trustNote != "" {
				c.Notes = append(c.Notes, lk.trustNote)
			}
			e.cands[key] = c
			e.order = append(e.order, key)
			delay := time.Duration(0)
			if lk.Source == SourceGuess {
				// Stagger per host, not across the run: hosts are already
				// independent, and a global ladder made the last host's
				// probes wait for every other host's (bench: 1.71× the
				// critical path in a wildcard-DNS world, 1.16× without).
				delay = time.Duration(i) * e.o.GuessStagger
			}
			e.startProbe(key, s, delay)
			continue
		}
		merge(c, s, lk, pref)
	}
}

// merge folds another source's view of the same endpoint into c, noting
// where the two disagree.
func merge(c *Candidate, s Server, lk Lookup, pref int) {
	if !containsSource(c.Sources, lk.Source) {
		c.Sources = append(c.Sources, lk.Source)
	}
	if _, ok := c.origins[lk.Source]; !ok {
		c.origins[lk.Source] = lk.Query
	}
	if lk.Trusted && !c.Trusted && lk.trustNote != "" {
		c.Notes = append(c.Notes, lk.trustNote)
	}
	c.Trusted = c.Trusted || lk.Trusted
	if r := sourceRank(lk.Source); r < c.srcRank || (r == c.srcRank && pref < c.pref) {
		c.srcRank, c.pref = r, pref
	}
	switch {
	case c.Username == "":
		c.Username = s.Username
	case s.Username != "" && s.Username != c.Username && lk.Source != SourceGuess:
		// A guess only assumes the full address; it states nothing.
		c.Notes = append(c.Notes, fmt.Sprintf("%s gives the username as %q, %s as %q", lk.Source, s.Username, c.Sources[0], c.Username))
	}
	switch {
	case len(c.Auth) == 0:
		c.Auth = s.Auth
	case len(s.Auth) > 0 && !sameAuth(c.Auth, s.Auth):
		c.Notes = append(c.Notes, fmt.Sprintf("%s gives authentication %v, %s gives %v", lk.Source, s.Auth, c.Sources[0], c.Auth))
	}
}

func containsSource(ss []Source, s Source) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sameAuth(a, b []AuthMethod) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (e *engine) startProbe(key string, s Server, delay time.Duration) {
	if e.o.Prober == nil {
		return
	}
	e.probing[key] = true
	go func() {
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-e.ctx.Done():
			}
		}
		var r *ProbeResult
		select {
		case e.sem <- struct{}{}:
			r = e.probe(s)
			<-e.sem
		case <-e.ctx.Done():
			r = &ProbeResult{Status: ProbeSkipped, Error: "the run ended before this probe started"}
		}
		e.send(event{probe: &probeDone{key: key, result: r}})
	}()
}

// probe runs one probe; a panic in it is that probe's failure.
func (e *engine) probe(s Server) (r *ProbeResult) {
	defer onPanic(func(err *InternalError) { r = internalProbe(err) })
	ctx, cancel := context.WithTimeout(e.ctx, e.o.ProbeTimeout)
	defer cancel()
	return e.o.Prober.Probe(ctx, s)
}

// settled reports whether side's outcome is final: its best candidate is
// verified and no running probe or source could produce a better one.
func (e *engine) settled(side Side) bool {
	var best *Candidate
	for _, c := range e.cands {
		if c.Side() == side && probeTier(c) == tierVerified && (best == nil || keyOf(c, tierVerified).less(keyOf(best, tierVerified))) {
			best = c
		}
	}
	if best == nil {
		return false
	}
	bestKey := keyOf(best, tierVerified)
	for key := range e.probing {
		c := e.cands[key]
		if c.Side() == side && keyOf(c, tierVerified).less(bestKey) {
			return false
		}
	}
	for _, t := range e.pending {
		if bestPossible(t.source).less(bestKey) {
			return false
		}
	}
	return true
}

// bestPossible is the best key any candidate from source s could earn.
func bestPossible(s Source) rankKey {
	trusted := 0
	if r, ok := sourceOf(s); ok && !r.mayBeTrusted {
		trusted = 1
	}
	var k rankKey // every other rule at its best
	k[0], k[1], k[6] = tierVerified, trusted, sourceRank(s)
	return k
}

// result assembles the ranked, stably ordered result.
func (e *engine) result() *Result {
	res := &Result{Address: e.addr}
	sort.SliceStable(e.lookups, func(i, j int) bool {
		a, b := e.lookups[i], e.lookups[j]
		if ra, rb := sourceRank(a.Source), sourceRank(b.Source); ra != rb {
			return ra < rb
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Query < b.Query
	})
	res.Lookups = e.lookups
	res.Provider = providerFacts(e.lookups)
	res.Findings = append(res.Findings, e.findings...)
	res.Findings = append(res.Findings, e.publicationFindings()...)
	seen := map[Finding]bool{}
	for _, lk := range e.lookups {
		for _, f := range lk.Findings {
			// The same answer reached by several methods (autodiscover's
			// four URLs) reports its problems once.
			if !seen[f] {
				seen[f] = true
				res.Findings = append(res.Findings, f)
			}
		}
	}
	var in, out []Candidate
	for _, key := range e.order {
		c := *e.cands[key]
		if c.Side() == Incoming {
			in = append(in, c)
		} else {
			out = append(out, c)
		}
	}
	res.Incoming = e.judge(Incoming, in, &res.Findings)
	res.Outgoing = e.judge(Outgoing, out, &res.Findings)
	return res
}
