package commands

import (
	"context"
)

// runChecks runs the targets of src on n workers and hands each result to
// emit in input order. Memory stays bounded however long src is: the
// reader runs at most window targets ahead of emit (queued, running, or
// done and waiting for an earlier one), so a slow target delays output but
// never lets finished reports pile up. An emit error stops the run.
func runChecks(ctx context.Context, src <-chan checkTarget, n int, run func(context.Context, checkTarget) *checkResult, emit func(*checkResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		t    checkTarget
		done chan *checkResult
	}
	window := 4 * n
	order := make(chan chan *checkResult, window)
	jobs := make(chan job)
	for range n {
		go func() {
			for j := range jobs {
				j.done <- runTargetRecovered(ctx, j.t, run)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		// On cancellation, let the reader of src end too.
		defer func() {
			go func() {
				for range src {
				}
			}()
		}()
		for t := range src {
			done := make(chan *checkResult, 1)
			select {
			case order <- done:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{t, done}:
			case <-ctx.Done():
				// Already queued for output: say why it never ran.
				done <- (&checkResult{Target: t.Raw, Err: ctx.Err()}).finish()
				return
			}
		}
	}()
	var err error
	for done := range order {
		r := <-done
		if err == nil {
			if err = emit(r); err != nil {
				cancel()
			}
		}
	}
	return err
}
