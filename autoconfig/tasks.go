package autoconfig

import (
	"cmp"
	"context"
	"net/url"
	"sync"
)

// buildTasks lists the questions of every source not disabled, each as a
// task the engine runs at once.
func buildTasks(addr Address, o *Options) []task {
	var ts []task
	for _, r := range sourceTable {
		if o.enabled(r.source) {
			ts = append(ts, r.tasks(addr, o)...)
		}
	}
	return ts
}

func providersTasks(addr Address, o *Options) []task {
	if o.Providers == nil {
		return nil
	}
	return []task{{SourceProviders, "built-in provider database: " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
		emit(o.Providers.lookupDomain(addr))
	}}}
}

func srvTasks(addr Address, o *Options) []task {
	var ts []task
	for _, l := range srvLabels {
		ts = append(ts, task{SourceSRV, "SRV " + l.label + "." + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			emit(lookupSRV(ctx, o.Resolver, addr, l))
		}})
	}
	return ts
}

// mozillaTasks asks the domain's own clientConfig URLs (MozillaURLs) that
// src stands for: autoconfig and well-known over https, both over plain
// http for autoconfig-http.
func mozillaTasks(src Source) func(addr Address, o *Options) []task {
	return func(addr Address, o *Options) []task {
		autoconfigHTTPS, wellKnownHTTPS, autoconfigHTTP, wellKnownHTTP := MozillaURLs(addr)
		urls := []string{autoconfigHTTP, wellKnownHTTP}
		switch src {
		case SourceAutoconfig:
			urls = []string{autoconfigHTTPS}
		case SourceWellKnown:
			urls = []string{wellKnownHTTPS}
		}
		var ts []task
		for _, u := range urls {
			ts = append(ts, task{src, u, func(ctx context.Context, emit func(Lookup)) {
				lk, cfg := LookupMozilla(ctx, src, u, addr, addr.Domain, o.HTTP)
				lk.config = cfg
				emit(lk)
			}})
		}
		return ts
	}
}

func ispdbTasks(addr Address, o *Options) []task {
	u := o.ISPDBURL + url.PathEscape(addr.Domain)
	return []task{{SourceISPDB, u, func(ctx context.Context, emit func(Lookup)) {
		lk, cfg := LookupMozilla(ctx, SourceISPDB, u, addr, "", o.HTTP)
		lk.config = cfg
		emit(lk)
	}}}
}

func mxTasks(addr Address, o *Options) []task {
	return []task{{SourceMX, "MX " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
		runMX(ctx, addr, o, emit)
	}}}
}

func autodiscoverTasks(addr Address, o *Options) []task {
	ts := []task{{SourceAutodiscover, "autodiscover for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
		for _, lk := range LookupAutodiscover(ctx, addr, o.Resolver, o.HTTP) {
			emit(lk)
		}
	}}}
	if o.AutodiscoverGET {
		ts = append(ts, task{SourceAutodiscover, "autodiscover GET for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
			for _, lk := range LookupAutodiscoverGET(ctx, addr, o.HTTP) {
				emit(lk)
			}
		}})
	}
	return ts
}

func guessTasks(addr Address, o *Options) []task {
	return []task{{SourceGuess, "guesses for " + addr.Domain, func(ctx context.Context, emit func(Lookup)) {
		runGuess(ctx, addr, o, emit)
	}}}
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
