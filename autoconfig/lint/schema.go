package lint

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// The structure of draft-ietf-mailmaint-autoconfig's RELAX NG schema
// (spec/autoconfig.rnc), checked in Go because xmllint is not there at run
// time. The schema is loose on purpose (its must-ignore rule: unknown
// attributes, elements and values validate), so what it requires is
// structural: the root, the required attributes, where each element of
// the format may appear, which elements hold text only, and that <port>
// is a positive integer. schema_test.go holds these verdicts against
// xmllint's on the ISPDB files and on bad fixtures.

// schemaElement is the rule for one element the schema names.
type schemaElement struct {
	attr     string   // required attribute, "" if none
	children []string // the schema's elements allowed inside, besides unknown ones
	textOnly bool     // text and any attributes, no child elements
	integer  bool     // xsd:positiveInteger
}

var serverChildren = []string{"url", "hostname", "port", "socketType", "authentication", "username"}

var schemaElements = map[string]schemaElement{
	"clientConfig": {attr: "version", children: []string{"emailProvider", "calendar", "addressbook", "fileShare",
		"chatServer", "videoConference", "setupServer", "oAuth2", "clientConfigUpdate"}},
	"emailProvider": {attr: "id", children: []string{"domain", "displayName", "displayShortName", "documentation",
		"incomingServer", "outgoingServer"}},
	"documentation":      {attr: "url", children: []string{"descr"}},
	"oAuth2":             {children: []string{"authURL", "tokenURL", "issuer", "scope", "clientID", "clientSecret"}},
	"clientConfigUpdate": {attr: "url"},
	"incomingServer":     {attr: "type", children: serverChildren},
	"outgoingServer":     {attr: "type", children: serverChildren},
	"calendar":           {attr: "type", children: serverChildren},
	"addressbook":        {attr: "type", children: serverChildren},
	"fileShare":          {attr: "type", children: serverChildren},
	"chatServer":         {attr: "type", children: serverChildren},
	"videoConference":    {attr: "type", children: serverChildren},
	"setupServer":        {attr: "type", children: serverChildren},
	"port":               {textOnly: true, integer: true},
}

func init() {
	for _, n := range []string{"domain", "displayName", "displayShortName", "descr", "url", "hostname", "socketType",
		"username", "authentication", "authURL", "tokenURL", "issuer", "scope", "clientID", "clientSecret"} {
		schemaElements[n] = schemaElement{textOnly: true}
	}
}

// maxSchemaViolations bounds the list: the first few tell the publisher
// what to fix.
const maxSchemaViolations = 8

// ValidateAutoconfig checks doc against the autoconfig schema's rules and
// returns the violations (at most a few), none when it is valid.
func ValidateAutoconfig(doc []byte) []string {
	root, err := parseTree(doc)
	if err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	v := &validator{}
	if root.name.Space != "" || root.name.Local != "clientConfig" {
		v.add("the root element is <%s>, not <clientConfig> (without a namespace)", qname(root.name))
		return v.out
	}
	v.element(root, "clientConfig")
	return v.out
}

type validator struct{ out []string }

func (v *validator) add(format string, args ...any) {
	if len(v.out) < maxSchemaViolations {
		v.out = append(v.out, fmt.Sprintf(format, args...))
	}
}

// element checks n against the rule of the schema element it is.
func (v *validator) element(n *node, path string) {
	rule := schemaElements[n.name.Local]
	if rule.attr != "" && !n.hasAttr(rule.attr) {
		v.add("<%s> lacks its %s attribute", path, rule.attr)
	}
	if rule.textOnly {
		if len(n.children) > 0 {
			v.add("<%s> holds the element <%s>; it may hold text only", path, qname(n.children[0].name))
		}
		if rule.integer && !positiveInteger(n.text) {
			v.add("<%s> is %q, not a positive integer", path, strings.TrimSpace(n.text))
		}
		return
	}
	if strings.TrimSpace(n.text) != "" {
		v.add("<%s> holds the text %q; it may hold elements only", path, clip(strings.TrimSpace(n.text)))
	}
	for _, c := range n.children {
		if !isSchemaName(c.name) {
			continue // an extension: anything goes inside (must-ignore)
		}
		if !contains(rule.children, c.name.Local) {
			v.add("<%s> is not allowed inside <%s>", c.name.Local, path)
			continue
		}
		v.element(c, path+"/"+c.name.Local)
	}
}

// isSchemaName reports whether the schema defines an element of this
// name; the others are extensions.
func isSchemaName(n xml.Name) bool {
	_, ok := schemaElements[n.Local]
	return ok && n.Space == ""
}

// positiveInteger is xsd:positiveInteger after whitespace collapsing: an
// optional +, digits, a value of at least 1.
func positiveInteger(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	if s == "" {
		return false
	}
	nonZero := false
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		nonZero = nonZero || c != '0'
	}
	return nonZero
}

// node is an element of a parsed document.
type node struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*node
	text     string // the character data directly inside
}

func (n *node) hasAttr(local string) bool {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return true
		}
	}
	return false
}

// maxDepth bounds how deep elements may nest: the format nests five deep,
// and a document nesting a million elements would cost a node each.
const maxDepth = 64

// parseTree reads doc into a tree of elements. Namespace declarations are
// not attributes (as in RELAX NG).
func parseTree(doc []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charset.NewReaderLabel
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name}
			for _, a := range t.Attr {
				if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
					n.attrs = append(n.attrs, a)
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, fmt.Errorf("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
			if len(stack) > maxDepth {
				return nil, fmt.Errorf("elements nested more than %d deep", maxDepth)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return "{" + n.Space + "}" + n.Local
	}
	return n.Local
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
