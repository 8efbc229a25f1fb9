package autoconfig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// maxDocumentSize bounds what the parsers accept, whatever the caller's
// HTTP limit: a config document is a few kilobytes, and the cap keeps the
// memory a hostile one can cost small.
const maxDocumentSize = 4 << 20

// Limits on element counts. Real files have at most a few servers and a
// few hundred domains (the ISPDB's mail.com lists 191); anything far
// beyond is not a config file.
const (
	maxDocServers = 200
	maxDocDomains = 1000
	maxDocAuth    = 32
)

// maxDocDepth bounds how deep elements nest. The config formats nest
// five or six deep. encoding/xml keeps a record per open element, also of
// the elements it skips (its own depth limit covers only the ones it
// unmarshals): a million nested unknown elements held 126 MiB.
const maxDocDepth = 64

// decodeXMLDocument unmarshals an untrusted document into v. encoding/xml
// expands no external entities and fetches no DTD; a reference to an
// undeclared entity (a billion laughs) is a syntax error in strict mode.
func decodeXMLDocument(data []byte, v any) error {
	if len(data) > maxDocumentSize {
		return fmt.Errorf("%w: %d bytes, more than the %d a config document may have", ErrTooLarge, len(data), maxDocumentSize)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = latin1Reader
	if err := xml.NewTokenDecoder(&depthLimit{d: d}).Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	return nil
}

// depthLimit passes on d's tokens and fails once elements nest deeper
// than maxDocDepth.
type depthLimit struct {
	d     *xml.Decoder
	depth int
}

func (l *depthLimit) Token() (xml.Token, error) {
	t, err := l.d.Token()
	switch t.(type) {
	case xml.StartElement:
		if l.depth++; l.depth > maxDocDepth {
			return nil, fmt.Errorf("elements nested more than %d deep", maxDocDepth)
		}
	case xml.EndElement:
		l.depth--
	}
	return t, err
}

// latin1Reader accepts the single-byte encodings a hand-written config
// may declare besides UTF-8 (which encoding/xml handles itself). Anything
// else is refused rather than misread: the CJK encodings would need large
// tables, and no known publisher uses them for these files.
func latin1Reader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
		// windows-1252 differs from Latin-1 only in 0x80-0x9F, which no
		// host, port or login name uses.
		"windows-1252", "cp1252":
	default:
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxDocumentSize))
	if err != nil {
		return nil, err
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return strings.NewReader(string(rs)), nil
}

// dataFindings turns a parser's problems into findings for a lookup.
// A problem the parser knows the fix of has that fix as its hint instead of
// the definition's general one.
func dataFindings(def FindingDef, problems, hints []string) []Finding {
	var fs []Finding
	for i, p := range problems {
		f := def.New(Discovery, "", Values{"problem": p})
		if i < len(hints) && hints[i] != "" {
			f.Hint = hints[i]
		}
		fs = append(fs, f)
	}
	return fs
}
