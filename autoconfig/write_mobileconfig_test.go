package autoconfig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// decodePlist reads an XML property list into a generic tree
// (map[string]any, []any, string, int64, bool), refusing anything that is
// not a well-formed plist: an independent reader for the writer's output.
func decodePlist(data []byte) (any, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("no <plist>: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "plist" {
				return nil, fmt.Errorf("root <%s>, want <plist>", se.Name.Local)
			}
			v, err := plistNext(d)
			if err != nil {
				return nil, err
			}
			if _, err := plistNext(d); err != errEnd {
				return nil, fmt.Errorf("more than one value in <plist>")
			}
			return v, nil
		}
	}
}

// plistNext reads the next value element.
func plistNext(d *xml.Decoder) (any, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("stray text %q", t)
			}
		case xml.StartElement:
			return plistElement(d, t)
		case xml.EndElement:
			return nil, errEnd
		}
	}
}

var errEnd = fmt.Errorf("end of container")

func plistElement(d *xml.Decoder, se xml.StartElement) (any, error) {
	switch se.Name.Local {
	case "string", "integer", "key":
		var s string
		if err := d.DecodeElement(&s, &se); err != nil {
			return nil, err
		}
		if se.Name.Local == "integer" {
			return strconv.ParseInt(s, 10, 64)
		}
		if se.Name.Local == "key" {
			return plistKey(s), nil
		}
		return s, nil
	case "true", "false":
		return se.Name.Local == "true", d.Skip()
	case "array":
		var a []any
		for {
			v, err := plistNext(d)
			if err == errEnd {
				return a, nil
			} else if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case "dict":
		m := map[string]any{}
		for {
			k, err := plistNext(d)
			if err == errEnd {
				return m, nil
			} else if err != nil {
				return nil, err
			}
			key, ok := k.(plistKey)
			if !ok {
				return nil, fmt.Errorf("dict entry without <key>")
			}
			if _, dup := m[string(key)]; dup {
				return nil, fmt.Errorf("key %q twice", key)
			}
			v, err := plistNext(d)
			if err != nil {
				return nil, fmt.Errorf("key %q: %v", key, err)
			}
			m[string(key)] = v
		}
	}
	return nil, fmt.Errorf("unknown plist element <%s>", se.Name.Local)
}

type plistKey string

var uuidRE = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

func mobileconfig(t *testing.T, st Settings) (map[string]any, map[string]any) {
	t.Helper()
	var b bytes.Buffer
	if _, err := WriteMobileconfig(&b, st); err != nil {
		t.Fatal(err)
	}
	v, err := decodePlist(b.Bytes())
	if err != nil {
		t.Fatalf("not a property list: %v\n%s", err, b.Bytes())
	}
	profile, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("top level is %T, want a dict", v)
	}
	content, _ := profile["PayloadContent"].([]any)
	if len(content) != 1 {
		t.Fatalf("PayloadContent has %d payloads, want 1", len(content))
	}
	mail, _ := content[0].(map[string]any)
	return profile, mail
}

func TestMobileconfigIsAProfile(t *testing.T) {
	for name, st := range writerFixtures {
		t.Run(name, func(t *testing.T) {
			profile, mail := mobileconfig(t, st)
			want := map[string]any{"PayloadType": "Configuration", "PayloadVersion": int64(1)}
			for k, v := range want {
				if profile[k] != v {
					t.Errorf("profile %s = %v, want %v", k, profile[k], v)
				}
			}
			for _, k := range []string{"PayloadUUID", "PayloadIdentifier", "PayloadDisplayName"} {
				if s, _ := profile[k].(string); s == "" {
					t.Errorf("profile has no %s", k)
				}
			}
			if mail["PayloadType"] != "com.apple.mail.managed" || mail["PayloadVersion"] != int64(1) {
				t.Errorf("mail payload type %v version %v", mail["PayloadType"], mail["PayloadVersion"])
			}
			for _, k := range []string{"PayloadUUID", "PayloadIdentifier", "EmailAccountType",
				"IncomingMailServerHostName", "IncomingMailServerAuthentication",
				"OutgoingMailServerHostName", "OutgoingMailServerAuthentication"} {
				if s, _ := mail[k].(string); s == "" {
					t.Errorf("mail payload has no %s", k)
				}
			}
			for _, k := range []string{"IncomingMailServerPortNumber", "OutgoingMailServerPortNumber"} {
				if _, ok := mail[k].(int64); !ok {
					t.Errorf("mail payload %s = %v, want an integer", k, mail[k])
				}
			}
			for _, k := range []string{"IncomingMailServerUseSSL", "OutgoingMailServerUseSSL"} {
				if _, ok := mail[k].(bool); !ok {
					t.Errorf("mail payload %s = %v, want a boolean", k, mail[k])
				}
			}
			for k := range mail {
				if strings.Contains(strings.ToLower(k), "password") && k != "OutgoingPasswordSameAsIncomingPassword" {
					t.Errorf("the profile holds %s; postino never writes passwords", k)
				}
			}
			for _, u := range []any{profile["PayloadUUID"], mail["PayloadUUID"]} {
				if !uuidRE.MatchString(u.(string)) {
					t.Errorf("%v is not an upper-case version 5 UUID", u)
				}
			}
		})
	}
	_, mail := mobileconfig(t, writerFixtures["pop3-starttls"])
	if mail["EmailAccountType"] != "EmailTypePOP" || mail["IncomingMailServerAuthentication"] != "EmailAuthCRAMMD5" {
		t.Errorf("pop3-starttls: type %v, auth %v", mail["EmailAccountType"], mail["IncomingMailServerAuthentication"])
	}
	_, mail = mobileconfig(t, writerFixtures["domain"])
	if _, ok := mail["EmailAddress"]; ok {
		t.Errorf("a bare domain's profile names an address: %v", mail["EmailAddress"])
	}
	if _, ok := mail["IncomingMailServerUsername"]; ok || mail["OutgoingMailServerAuthentication"] != "EmailAuthNone" {
		t.Errorf("bare domain: username %v, outgoing auth %v", mail["IncomingMailServerUsername"], mail["OutgoingMailServerAuthentication"])
	}
}

// TestMobileconfigUUIDs: the same address gives the same UUIDs on every
// run (a new profile replaces the old one on the device); different
// addresses and the two payloads get different ones.
func TestMobileconfigUUIDs(t *testing.T) {
	st := writerFixtures["full"]
	p1, m1 := mobileconfig(t, st)
	p2, m2 := mobileconfig(t, st)
	if p1["PayloadUUID"] != p2["PayloadUUID"] || m1["PayloadUUID"] != m2["PayloadUUID"] {
		t.Errorf("UUIDs differ between runs")
	}
	if p1["PayloadUUID"] == m1["PayloadUUID"] {
		t.Errorf("profile and payload share the UUID %v", p1["PayloadUUID"])
	}
	st.Address = bob
	p3, m3 := mobileconfig(t, st)
	if p3["PayloadUUID"] == p1["PayloadUUID"] || m3["PayloadUUID"] == m1["PayloadUUID"] || p3["PayloadIdentifier"] == p1["PayloadIdentifier"] {
		t.Errorf("alice and bob share UUIDs or identifiers")
	}
	// RFC 9562 appendix A.4: the UUIDv5 of www.example.com in the DNS
	// namespace.
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got := formatUUID(nameUUID(dns, "www.example.com")); got != "2ED6657D-E927-568B-95E1-2665A8AEA6A2" {
		t.Errorf("nameUUID(DNS, www.example.com) = %s", got)
	}
}

func TestPlistEscapes(t *testing.T) {
	b, err := encodePlist(plistDict{"a<b": "x & </string>", "n": 3, "t": true, "l": []plistDict{{}}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodePlist(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	m := v.(map[string]any)
	if m["a<b"] != "x & </string>" || m["n"] != int64(3) || m["t"] != true {
		t.Errorf("decoded %v", m)
	}
	if _, err := encodePlist(plistDict{"f": 1.5}); err == nil {
		t.Errorf("a float encoded without error")
	}
}
