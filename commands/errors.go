package commands

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit statuses (docs/json-schema.md, Exit status), the monitoring-plugins
// convention, so that check --format nagios needs no second table.
const (
	exitOK        = 0
	exitWarning   = 1
	exitProblem   = 2
	exitCannotRun = 3
)

// exitStatus ends a command with a status and no message: the report
// already said what is wrong.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// hintError carries a hint a person can act on.
type hintError struct {
	err  error
	hint string
}

func (e hintError) Error() string { return e.err.Error() }
func (e hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return hintError{err, hint} }

// reportError prints err age-style ("postino: error: …", "postino: hint:
// …") and returns the exit status it deserves.
func reportError(w io.Writer, err error) int {
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	msg := err.Error()
	fmt.Fprintf(w, "postino: error: %s\n", strings.TrimSpace(msg))
	var h hintError
	if errors.As(err, &h) {
		fmt.Fprintf(w, "postino: hint: %s\n", h.hint)
		return exitCannotRun // one hint, the specific one
	}
	var u usageError
	if errors.As(err, &u) || strings.Contains(msg, "flag provided but not defined") || strings.HasPrefix(msg, "invalid value") {
		fmt.Fprintf(w, "postino: hint: run 'postino help' or 'postino COMMAND --help' for usage\n")
	}
	return exitCannotRun
}
