package autoconfig

import "errors"

// Errors of the document sources, named for the caller's decision.
var (
	// ErrSyntax: the document is not a usable clientConfig or Autodiscover
	// answer (bad XML, wrong root element, no usable server).
	ErrSyntax = errors.New("autoconfig: malformed document")
	// ErrTooLarge: the answer exceeded the size limit and was not read.
	ErrTooLarge = errors.New("autoconfig: document too large")
	// ErrNoConfig: the source answered, but with no configuration for the
	// address (an Autodiscover <Error> response, for example).
	ErrNoConfig = errors.New("autoconfig: no configuration")
)
