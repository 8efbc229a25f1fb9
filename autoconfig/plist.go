package autoconfig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// plistDict is an Apple property list dictionary. The writer needs only
// strings, integers, booleans, arrays and dictionaries, so a few lines of
// encoding here replace a plist dependency.
type plistDict map[string]any

const plistHeader = xml.Header + `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
`

// encodePlist writes d as an XML property list. Keys are sorted, as
// Apple's tools write them, so the output is stable.
func encodePlist(d plistDict) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(plistHeader)
	if err := plistValue(&b, d, 0); err != nil {
		return nil, err
	}
	b.WriteString("</plist>\n")
	return b.Bytes(), nil
}

func plistValue(b *bytes.Buffer, v any, depth int) error {
	ind := strings.Repeat("\t", depth)
	switch v := v.(type) {
	case string:
		b.WriteString(ind + "<string>")
		_ = xml.EscapeText(b, []byte(v)) // a bytes.Buffer does not fail
		b.WriteString("</string>\n")
	case int:
		fmt.Fprintf(b, "%s<integer>%d</integer>\n", ind, v)
	case bool:
		fmt.Fprintf(b, "%s<%t/>\n", ind, v)
	case []plistDict:
		b.WriteString(ind + "<array>\n")
		for _, e := range v {
			if err := plistValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString(ind + "</array>\n")
	case plistDict:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(ind + "<dict>\n")
		for _, k := range keys {
			b.WriteString(ind + "\t<key>")
			_ = xml.EscapeText(b, []byte(k))
			b.WriteString("</key>\n")
			if err := plistValue(b, v[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteString(ind + "</dict>\n")
	default:
		return fmt.Errorf("autoconfig: plist: cannot encode %T", v)
	}
	return nil
}
