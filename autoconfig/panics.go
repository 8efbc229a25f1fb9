package autoconfig

import (
	"fmt"
	"runtime"
	"strings"
)

// A panic is a bug in postino, never the fault of a server or a document.
// recover works only in the goroutine that panics, and discovery runs each
// source and each probe in a goroutine of its own: without a recover
// there, one bad answer would end the whole process (discover, every
// target of check, serve). So each such goroutine turns a panic into that
// lookup's or probe's failure, with error kind "internal", and the rest of
// the run goes on.

// KindInternal is the error kind of a lookup or probe that ended in a
// panic.
const KindInternal = "internal"

// InternalError is a recovered panic: its value and where it happened.
type InternalError struct {
	Value any
	Site  string // file:line of the function that panicked
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %v (at %s); this is a bug in postino: please report it with the output of the same command run with -v", e.Value, e.Site)
}

// NewInternalError describes v, a value just recovered; called from the
// deferred function, it finds where the panic happened. A value that is
// already an *InternalError (a panic carried to another goroutine) is
// kept as it is.
func NewInternalError(v any) *InternalError {
	if ie, ok := v.(*InternalError); ok {
		return ie
	}
	return &InternalError{Value: v, Site: panicSite()}
}

// panicSite is the first frame below runtime's panic machinery: the
// function that panicked.
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic" || strings.HasPrefix(f.Function, "runtime.panic"):
			inPanic = true
		case inPanic && !strings.HasPrefix(f.Function, "runtime."):
			return fmt.Sprintf("%s:%d", trimPath(f.File), f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}

// trimPath keeps the last two elements of a source path: package and file.
func trimPath(file string) string {
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		if j := strings.LastIndexByte(file[:i], '/'); j >= 0 {
			return file[j+1:]
		}
	}
	return file
}

// onPanic, deferred at the start of a goroutine, hands a panic of that
// goroutine to fail as an *InternalError; the goroutine then ends
// normally.
func onPanic(fail func(*InternalError)) {
	if v := recover(); v != nil {
		fail(NewInternalError(v))
	}
}

// internalLookup is the lookup of a source whose code panicked.
func internalLookup(src Source, query string, err *InternalError) Lookup {
	return Lookup{Source: src, Query: query, Outcome: OutcomeError, ErrorKind: KindInternal, Error: err.Error()}
}

// internalProbe is the result of a probe whose code panicked.
func internalProbe(err *InternalError) *ProbeResult {
	return &ProbeResult{Status: ProbeFailed, ErrorKind: KindInternal, Error: err.Error()}
}
