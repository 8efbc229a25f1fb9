package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The Delta Chat provider notes are Markdown files whose YAML front matter
// holds the facts. The front matter uses a small part of YAML: mappings,
// sequences (of scalars or of mappings), plain and quoted scalars, "|"
// block scalars and comments. This parser reads that part and rejects the
// rest, so the generator needs no YAML dependency and a file it cannot
// read is an error, never a silently wrong value.

// yvalue is a parsed YAML value: a scalar, a sequence or a mapping.
type yvalue struct {
	kind   ykind
	scalar string
	list   []*yvalue
	keys   []string // mapping keys in file order
	fields map[string]*yvalue
}

type ykind int

const (
	yScalar ykind = iota
	yList
	yMap
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 32

// yline is one significant line of the front matter.
type yline struct {
	num    int // 1-based line number in the file
	indent int
	text   string // without the indentation
}

type yparser struct {
	lines []yline
	raw   []string // every line, for block scalars
	pos   int
}

var errNoFrontMatter = errors.New("no front matter (a first line of ---)")

// splitFrontMatter returns the YAML between the first two "---" lines and
// the Markdown after them.
func splitFrontMatter(doc string) (yaml, body string, err error) {
	doc = strings.ReplaceAll(doc, "\r\n", "\n")
	rest, ok := strings.CutPrefix(doc, "---\n")
	if !ok {
		return "", "", errNoFrontMatter
	}
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		return "", strings.TrimPrefix(rest, "---"), nil
	}
	i := strings.Index(rest, "\n---\n")
	if i < 0 {
		if strings.HasSuffix(rest, "\n---") {
			return rest[:len(rest)-4], "", nil
		}
		return "", "", errors.New("front matter has no closing ---")
	}
	return rest[:i], rest[i+5:], nil
}

// parseYAML parses the front matter's YAML into a mapping.
func parseYAML(src string) (*yvalue, error) {
	p := &yparser{raw: strings.Split(src, "\n")}
	for i, l := range p.raw {
		trimmed := strings.TrimLeft(l, " ")
		if strings.HasPrefix(trimmed, "\t") {
			return nil, fmt.Errorf("line %d: a tab in the indentation", i+1)
		}
		p.lines = append(p.lines, yline{num: i + 1, indent: len(l) - len(trimmed), text: strings.TrimRight(trimmed, " \t")})
	}
	p.skip()
	if p.pos == len(p.lines) {
		return &yvalue{kind: yMap, fields: map[string]*yvalue{}}, nil
	}
	v, err := p.block(p.lines[p.pos].indent, 0)
	if err != nil {
		return nil, err
	}
	if p.skip(); p.pos < len(p.lines) {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.pos].num)
	}
	if v.kind != yMap {
		return nil, errors.New("front matter is not a mapping")
	}
	return v, nil
}

// skip moves past blank and comment lines.
func (p *yparser) skip() {
	for p.pos < len(p.lines) && (p.lines[p.pos].text == "" || strings.HasPrefix(p.lines[p.pos].text, "#")) {
		p.pos++
	}
}

// block parses the mapping or sequence whose lines start at column indent.
func (p *yparser) block(indent, depth int) (*yvalue, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nested too deeply", p.lines[p.pos].num)
	}
	if isItem(p.lines[p.pos].text) {
		return p.sequence(indent, depth)
	}
	return p.mapping(indent, depth, "")
}

func isItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

// sequence parses "- item" lines at column indent.
func (p *yparser) sequence(indent, depth int) (*yvalue, error) {
	v := &yvalue{kind: yList}
	for p.skip(); p.pos < len(p.lines); p.skip() {
		l := p.lines[p.pos]
		if l.indent < indent || (l.indent == indent && !isItem(l.text)) {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation", l.num)
		}
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		var item *yvalue
		var err error
		switch {
		case rest == "" || strings.HasPrefix(rest, "#"):
			p.pos++
			item, err = p.nested(indent, depth, false)
		case isMappingLine(rest):
			// "- key: value" opens a mapping whose keys line up with key.
			col := l.indent + (len(l.text) - len(rest))
			item, err = p.mapping(col, depth+1, rest)
		default:
			p.pos++
			item, err = scalarValue(rest, l.num)
		}
		if err != nil {
			return nil, err
		}
		v.list = append(v.list, item)
	}
	return v, nil
}

// nested parses the value that follows "key:" or "-" on the next lines:
// deeper lines or, after a key (YAML allows it), a sequence at the key's
// own column.
func (p *yparser) nested(indent, depth int, afterKey bool) (*yvalue, error) {
	p.skip()
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent > indent || (afterKey && l.indent == indent && isItem(l.text)) {
			return p.block(l.indent, depth+1)
		}
	}
	return &yvalue{kind: yScalar}, nil // "key:" with nothing: empty
}

// isMappingLine reports whether text is "key: …" or "key:".
func isMappingLine(text string) bool {
	if strings.HasPrefix(text, `"`) || strings.HasPrefix(text, "'") {
		return false
	}
	i := strings.Index(text, ":")
	return i > 0 && (i == len(text)-1 || text[i+1] == ' ')
}

// mapping parses "key: value" lines at column indent. first, if not empty,
// is the text of the first pair when it shares its line with a "- ".
func (p *yparser) mapping(indent, depth int, first string) (*yvalue, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nested too deeply", p.lines[p.pos].num)
	}
	v := &yvalue{kind: yMap, fields: map[string]*yvalue{}}
	for {
		var l yline
		if first != "" {
			l = yline{num: p.lines[p.pos].num, indent: indent, text: first}
			first = ""
		} else {
			if p.skip(); p.pos >= len(p.lines) {
				break
			}
			l = p.lines[p.pos]
			if l.indent < indent || (l.indent == indent && isItem(l.text)) {
				break
			}
			if l.indent > indent {
				return nil, fmt.Errorf("line %d: unexpected indentation", l.num)
			}
		}
		if !isMappingLine(l.text) {
			return nil, fmt.Errorf("line %d: expected \"key: value\"", l.num)
		}
		i := strings.Index(l.text, ":")
		key, rest := l.text[:i], strings.TrimSpace(l.text[i+1:])
		if _, dup := v.fields[key]; dup {
			return nil, fmt.Errorf("line %d: key %q appears twice", l.num, key)
		}
		p.pos++
		var val *yvalue
		var err error
		switch {
		case rest == "" || strings.HasPrefix(rest, "#"):
			val, err = p.nested(indent, depth, true)
		case rest == "|" || rest == "|-" || rest == ">" || rest == ">-":
			val = p.blockScalar(indent, rest)
		default:
			val, err = scalarValue(rest, l.num)
		}
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, key)
		v.fields[key] = val
	}
	return v, nil
}

// blockScalar reads the lines of a "|" (literal) or ">" (folded) scalar
// that are indented deeper than its key, keeping comment-like lines.
func (p *yparser) blockScalar(indent int, style string) *yvalue {
	var lines []string
	content := -1
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.text != "" && l.indent <= indent {
			break
		}
		if l.text != "" && content < 0 {
			content = l.indent
		}
		text := l.text
		if content >= 0 && l.indent > content {
			// Deeper lines keep their extra indentation.
			text = strings.TrimRight(p.raw[l.num-1][content:], " \t")
		}
		lines = append(lines, text)
		p.pos++
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	sep := "\n"
	if strings.HasPrefix(style, ">") {
		sep = " "
	}
	return &yvalue{kind: yScalar, scalar: strings.Join(lines, sep)}
}

// scalarValue reads a plain, "double" or 'single' quoted scalar; a plain
// one ends at " #" (a comment).
func scalarValue(s string, num int) (*yvalue, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		end := closingQuote(s)
		if end < 0 {
			return nil, fmt.Errorf("line %d: unterminated double-quoted string", num)
		}
		u, err := strconv.Unquote(s[:end+1])
		if err != nil {
			return nil, fmt.Errorf("line %d: bad double-quoted string", num)
		}
		if tail := strings.TrimSpace(s[end+1:]); tail != "" && !strings.HasPrefix(tail, "#") {
			return nil, fmt.Errorf("line %d: text after a quoted string", num)
		}
		return &yvalue{kind: yScalar, scalar: u}, nil
	case strings.HasPrefix(s, "'"):
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != '\'' {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			if tail := strings.TrimSpace(s[i+1:]); tail != "" && !strings.HasPrefix(tail, "#") {
				return nil, fmt.Errorf("line %d: text after a quoted string", num)
			}
			return &yvalue{kind: yScalar, scalar: b.String()}, nil
		}
		return nil, fmt.Errorf("line %d: unterminated single-quoted string", num)
	case strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") || strings.HasPrefix(s, "&") ||
		strings.HasPrefix(s, "*") && !strings.HasPrefix(s, "*."):
		return nil, fmt.Errorf("line %d: flow collections, anchors and aliases are not supported", num)
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	return &yvalue{kind: yScalar, scalar: strings.TrimSpace(s)}, nil
}

// closingQuote is the index of the '"' that ends the string s opens.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
