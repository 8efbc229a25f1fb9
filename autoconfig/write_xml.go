package autoconfig

import (
	"bytes"
	"encoding/xml"
	"io"
)

// writeXML writes doc as an indented XML document with its declaration,
// in one Write, so a failed encoding leaves w untouched.
func writeXML(w io.Writer, doc any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
