package autoconfig

import (
	"cmp"
	"context"
	"net/url"
	"sync"
)

// buildTasks lists every discovery source for addr, each as a task the
// engine runs at once.
func buildTasks(addr Address, o *Options) []task {
	var ts []task
	if o.enabled(SourceProviders) && o.Providers != nil {
		ts = append(ts, task{SourceProviders, "built-in provider database: " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			emit(o.Providers.lookupDomain(addr))
		}})
	}
	if o.enabled(SourceSRV) {
		for _, l := range srvLabels {
			ts = append(ts, task{SourceSRV, "SRV " + l.label + "." + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
				emit(lookupSRV(ctx, o.Resolver, addr, l))
			}})
		}
	}
	autoconfigHTTPS, wellKnownHTTPS, autoconfigHTTP, wellKnownHTTP := MozillaURLs(addr)
	for _, m := range []struct {
		src Source
		url string
	}{
		{SourceAutoconfig, autoconfigHTTPS},
		{SourceWellKnown, wellKnownHTTPS},
		{SourceAutoconfigHTTP, autoconfigHTTP},
		{SourceAutoconfigHTTP, wellKnownHTTP},
	} {
		if !o.enabled(m.src) {
			continue
		}
		ts = append(ts, task{m.src, m.url, func(ctx context.Context, emit func(Lookup)) {
			lk, cfg := LookupMozilla(ctx, m.src, m.url, addr, addr.Domain, o.HTTP)
			lk.config = cfg
			emit(lk)
		}})
	}
	if o.enabled(SourceISPDB) {
		u := o.ISPDBURL + url.PathEscape(addr.Domain)
		ts = append(ts, task{SourceISPDB, u, func(ctx context.Context, emit func(Lookup)) {
			lk, cfg := LookupMozilla(ctx, SourceISPDB, u, addr, "", o.HTTP)
			lk.config = cfg
			emit(lk)
		}})
	}
	if o.enabled(SourceMX) {
		ts = append(ts, task{SourceMX, "MX " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			runMX(ctx, addr, o, emit)
		}})
	}
	if o.enabled(SourceAutodiscover) {
		ts = append(ts, task{SourceAutodiscover, "autodiscover for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			for _, lk := range LookupAutodiscover(ctx, addr, o.Resolver, o.HTTP) {
				emit(lk)
			}
		}})
		if o.AutodiscoverGET {
			ts = append(ts, task{SourceAutodiscover, "autodiscover GET for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
				for _, lk := range LookupAutodiscoverGET(ctx, addr, o.HTTP) {
					emit(lk)
				}
			}})
		}
	}
	if o.enabled(SourceGuess) {
		ts = append(ts, task{SourceGuess, "guesses for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			runGuess(ctx, addr, o, emit)
		}})
	}
	return ts
}

// parallel runs fns at once and waits for all of them. A panic in one is
// raised again in the caller's goroutine once all are done, where the
// task's recover makes it the lookup's failure.
func parallel(fns ...func()) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var panicked *InternalError
	for _, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer onPanic(func(err *InternalError) { mu.Lock(); panicked = cmp.Or(panicked, err); mu.Unlock() })
			f()
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}
