package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"slices"

	"github.com/urfave/cli/v2"
)

// A panic is a bug in postino, never the fault of the server or the
// input, and must not pass for a result: exit status 2 (what an unhandled
// panic gives) means "a path is broken", CRITICAL to monitoring. So it is
// caught at each boundary where the rest can go on: the command (exit 3,
// could not run), each check target (UNKNOWN, the others still run) and
// each request to serve (HTTP 500, the exporter stays up).

// internalError is a recovered panic.
type internalError struct {
	value any
	stack []byte
}

func (e internalError) Error() string { return fmt.Sprintf("internal error: %v", e.value) }

func recovered(v any) internalError { return internalError{value: v, stack: debug.Stack()} }

// runRecovered runs the app, turning a panic in the command's goroutine
// into an error that reportError prints with a hint; with -v the stack
// goes to standard error first.
func runRecovered(ctx context.Context, app *cli.App, args []string) (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		ie := recovered(v)
		hint := "this is a bug in postino; run the command again with -v and report the output (https://github.com/postino-mail/postino/issues)"
		if verboseArg(args) {
			fmt.Fprintf(app.ErrWriter, "postino: panic: %v\n\n%s\n", v, ie.stack)
			hint = "this is a bug in postino; please report it with the output above (https://github.com/postino-mail/postino/issues)"
		}
		err = withHint(ie, hint)
	}()
	return app.RunContext(ctx, args)
}

// verboseArg reports whether args ask for -v: the parsed flags are gone
// once a command has panicked.
func verboseArg(args []string) bool {
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	for _, a := range args {
		switch a {
		case "-v", "--v", "-" + flgVerbose, "--" + flgVerbose, "-v=true", "--" + flgVerbose + "=true":
			return true
		}
	}
	return false
}

// runTargetRecovered runs one check target: a panic makes that target
// UNKNOWN with an internal error and leaves the other targets running.
func runTargetRecovered(ctx context.Context, t checkTarget, run func(context.Context, checkTarget) *checkResult) (res *checkResult) {
	defer func() {
		if v := recover(); v != nil {
			res = (&checkResult{Target: t.Raw, Err: recovered(v)}).finish()
		}
	}()
	return run(ctx, t)
}

// serveRecovered serves one request: a panic answers 500 (if nothing was
// written yet) and is logged with its stack; the exporter goes on.
func serveRecovered(w http.ResponseWriter, r *http.Request, h http.Handler) {
	defer func() {
		v := recover()
		switch {
		case v == nil:
			return
		case v == http.ErrAbortHandler: // net/http's own way to drop a response
			panic(v)
		}
		ie := recovered(v)
		fmt.Fprintf(os.Stderr, "postino: internal error serving %s: %v\n%s\n", r.URL.RequestURI(), v, ie.stack)
		http.Error(w, "internal error (a bug in postino; its log has the details)", http.StatusInternalServerError)
	}()
	h.ServeHTTP(w, r)
}
