package autoconfig

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAutodiscoverRequest(t *testing.T) {
	b := AutodiscoverRequest(`a<b>&"c"@example.com`)
	var req struct {
		XMLName xml.Name
		Email   string `xml:"Request>EMailAddress"`
		Schema  string `xml:"Request>AcceptableResponseSchema"`
	}
	if err := xml.Unmarshal(b, &req); err != nil {
		t.Fatalf("request is not XML: %v\n%s", err, b)
	}
	if req.XMLName.Space != autodiscoverRequestSchema || req.XMLName.Local != "Autodiscover" ||
		req.Email != `a<b>&"c"@example.com` || req.Schema != autodiscoverResponseSchema {
		t.Errorf("request = %+v\n%s", req, b)
	}
}

func TestParseAutodiscoverFiles(t *testing.T) {
	srv := func(p Protocol, h string, port int, sec Security, user string, auth ...AuthMethod) Server {
		return Server{Protocol: p, Host: h, Port: port, Security: sec, Username: user, Auth: auth}
	}
	const me = "alice@example.com"
	tests := []struct {
		file     string
		want     AutodiscoverResponse // Problems and Notes compared by count
		problems []string             // substrings, in order
		notes    int
	}{
		{file: "automx2.xml", want: AutodiscoverResponse{Action: "settings", DisplayName: "Example Mail", Servers: []Server{
			srv(IMAP, "imap.example.com", 993, SecurityTLS, me, AuthPasswordCleartext),
			srv(SMTP, "smtp.example.com", 587, SecurityStartTLS, me, AuthPasswordCleartext)}}},
		{file: "mox.xml", want: AutodiscoverResponse{Action: "settings", Servers: []Server{
			srv(IMAP, "mail.example.com", 993, SecurityTLS, me, AuthPasswordCleartext),
			srv(SMTP, "mail.example.com", 465, SecurityTLS, me, AuthPasswordCleartext)}},
			problems: []string{"Encryption TLS is ambiguous", "Encryption TLS is ambiguous"}},
		{file: "plain-no-namespace.xml", want: AutodiscoverResponse{Action: "settings", Servers: []Server{
			srv(POP3, "pop.example.com", 110, SecurityNone, me, AuthPasswordEncrypted),
			srv(IMAP, "imap.example.com", 143, SecurityStartTLS, me, AuthPasswordCleartext),
			srv(SMTP, "smtp.example.com", 25, SecurityNone, me, AuthNone)}},
			problems: []string{"SPA is absent"}},
		{file: "exchange.xml", want: AutodiscoverResponse{Action: "settings", DisplayName: "Alice Example"}, notes: 4},
		{file: "redirect-addr.xml", want: AutodiscoverResponse{Action: "redirectAddr", RedirectAddr: "alice@mail.example.com"}},
		{file: "redirect-url.xml", want: AutodiscoverResponse{Action: "redirectUrl",
			RedirectURL: "https://autodiscover.hoster.example.net/autodiscover/autodiscover.xml"}},
		{file: "domain-required.xml", want: AutodiscoverResponse{Action: "settings", Servers: []Server{
			srv(IMAP, "imap.corp.example.com", 993, SecurityTLS, `CORP\alice`, AuthPasswordEncrypted)}}, notes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseAutodiscover(readTestdata(t, "autodiscover/"+tt.file), alice)
			if err != nil {
				t.Fatalf("ParseAutodiscover: %v", err)
			}
			if len(got.Problems) != len(tt.problems) {
				t.Errorf("Problems = %q, want %d", got.Problems, len(tt.problems))
			} else {
				for i, p := range tt.problems {
					if !strings.Contains(got.Problems[i], p) {
						t.Errorf("Problems[%d] = %q, want it to contain %q", i, got.Problems[i], p)
					}
				}
			}
			if len(got.Notes) != tt.notes {
				t.Errorf("Notes = %q, want %d", got.Notes, tt.notes)
			}
			got.Problems, got.Notes, got.hints = nil, nil, nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseAutodiscover() =\n%+v\nwant\n%+v", *got, tt.want)
			}
		})
	}
}

func TestParseAutodiscoverError(t *testing.T) {
	got, err := ParseAutodiscover(readTestdata(t, "autodiscover/error.xml"), alice)
	if !errors.Is(err, ErrNoConfig) || got == nil || got.ErrorCode != "600" || got.ErrorMessage != "Invalid Request" {
		t.Fatalf("ParseAutodiscover() = %+v, %v", got, err)
	}
	if !strings.Contains(err.Error(), "600") || !strings.Contains(err.Error(), "Invalid Request") {
		t.Errorf("error %q lacks the code or message", err)
	}
}

func poxDoc(protocols string) string {
	return `<Autodiscover><Response><Account><Action>settings</Action>` + protocols + `</Account></Response></Autodiscover>`
}

func TestParseAutodiscoverSecurity(t *testing.T) {
	tests := []struct {
		name    string
		proto   string
		want    Security
		port    int
		problem string
	}{
		{"encryption none", `<Type>IMAP</Type><Port>993</Port><Encryption>None</Encryption>`, SecurityNone, 993, ""},
		{"ssl off", `<Type>IMAP</Type><Port>143</Port><SSL>off</SSL>`, SecurityNone, 143, ""},
		{"ssl on, starttls port", `<Type>IMAP</Type><Port>143</Port><SSL>on</SSL>`, SecurityStartTLS, 143, ""},
		{"ssl on, tls port", `<Type>POP3</Type><Port>995</Port><SSL>on</SSL>`, SecurityTLS, 995, ""},
		{"default on", `<Type>SMTP</Type><Port>587</Port>`, SecurityStartTLS, 587, ""},
		{"encryption ssl", `<Type>SMTP</Type><Port>465</Port><Encryption>SSL</Encryption>`, SecurityTLS, 465, ""},
		{"encryption ssl on 143", `<Type>IMAP</Type><Port>143</Port><Encryption>ssl</Encryption>`, SecurityTLS, 143, "where STARTTLS is usual"},
		{"encryption ssl, ssl off", `<Type>IMAP</Type><Port>993</Port><Encryption>SSL</Encryption><SSL>off</SSL>`, SecurityTLS, 993, "SSL is off but Encryption is SSL"},
		{"encryption tls on 587", `<Type>SMTP</Type><Port>587</Port><Encryption>TLS</Encryption>`, SecurityStartTLS, 587, ""},
		{"encryption tls on 993", `<Type>IMAP</Type><Port>993</Port><Encryption>TLS</Encryption>`, SecurityTLS, 993, "ambiguous"},
		{"encryption auto", `<Type>IMAP</Type><Port>143</Port><Encryption>Auto</Encryption>`, SecurityStartTLS, 143, ""},
		{"encryption auto, odd port", `<Type>SMTP</Type><Port>2525</Port><Encryption>Auto</Encryption>`, SecurityTLS, 2525, "guesswork"},
		{"encryption unknown", `<Type>IMAP</Type><Port>993</Port><Encryption>Quantum</Encryption>`, SecurityTLS, 993, "not None, SSL, TLS or Auto"},
		{"no port, ssl", `<Type>IMAP</Type>`, SecurityTLS, 993, "no Port given"},
		{"no port, ssl off", `<Type>POP3</Type><SSL>off</SSL>`, SecurityNone, 110, "no Port given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := poxDoc(`<Protocol>` + tt.proto + `<Server>mail.example.com</Server><SPA>off</SPA></Protocol>`)
			got, err := ParseAutodiscover([]byte(doc), alice)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Servers) != 1 || got.Servers[0].Security != tt.want || got.Servers[0].Port != tt.port {
				t.Fatalf("Servers = %v, want %s on %d", got.Servers, tt.want, tt.port)
			}
			if tt.problem == "" && len(got.Problems) != 0 || tt.problem != "" && (len(got.Problems) != 1 || !strings.Contains(got.Problems[0], tt.problem)) {
				t.Errorf("Problems = %q, want %q", got.Problems, tt.problem)
			}
		})
	}
}

func TestParseAutodiscoverAuth(t *testing.T) {
	tests := []struct {
		name  string
		proto string
		want  []AuthMethod
		user  string
		probs int
	}{
		{"spa off", `<Type>IMAP</Type><SPA>off</SPA>`, []AuthMethod{AuthPasswordCleartext}, "alice@example.com", 0},
		{"spa on", `<Type>IMAP</Type><SPA>on</SPA>`, []AuthMethod{AuthPasswordEncrypted}, "alice@example.com", 0},
		{"spa absent", `<Type>IMAP</Type>`, []AuthMethod{AuthPasswordEncrypted}, "alice@example.com", 1},
		{"spa odd", `<Type>IMAP</Type><SPA>maybe</SPA>`, []AuthMethod{AuthPasswordEncrypted}, "alice@example.com", 1},
		{"smtp no auth", `<Type>SMTP</Type><AuthRequired>off</AuthRequired>`, []AuthMethod{AuthNone}, "alice@example.com", 0},
		{"imap ignores AuthRequired", `<Type>IMAP</Type><AuthRequired>off</AuthRequired><SPA>off</SPA>`, []AuthMethod{AuthPasswordCleartext}, "alice@example.com", 0},
		{"login name", `<Type>IMAP</Type><SPA>off</SPA><LoginName>a.lice</LoginName>`, []AuthMethod{AuthPasswordCleartext}, "a.lice", 0},
		{"domain required without name", `<Type>IMAP</Type><SPA>off</SPA><DomainRequired>on</DomainRequired>`, []AuthMethod{AuthPasswordCleartext}, "alice@example.com", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := poxDoc(`<Protocol>` + tt.proto + `<Server>mail.example.com</Server><Port>993</Port></Protocol>`)
			got, err := ParseAutodiscover([]byte(doc), alice)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Servers) != 1 || !reflect.DeepEqual(got.Servers[0].Auth, tt.want) || got.Servers[0].Username != tt.user {
				t.Fatalf("Servers = %v %q, want %v %q", got.Servers, got.Servers[0].Username, tt.want, tt.user)
			}
			if len(got.Problems) != tt.probs {
				t.Errorf("Problems = %q, want %d", got.Problems, tt.probs)
			}
		})
	}
}

func TestParseAutodiscoverErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrSyntax},
		{"html", "<html><body>IIS</body></html>", ErrSyntax},
		{"no response", "<Autodiscover></Autodiscover>", ErrSyntax},
		{"no account", "<Autodiscover><Response><User/></Response></Autodiscover>", ErrSyntax},
		{"redirectUrl without url", "<Autodiscover><Response><Account><Action>redirectUrl</Action></Account></Response></Autodiscover>", ErrSyntax},
		{"unknown action", "<Autodiscover><Response><Account><Action>dance</Action></Account></Response></Autodiscover>", ErrSyntax},
		{"account error", "<Autodiscover><Response><Account><Error><ErrorCode>500</ErrorCode><Message>no such user</Message></Error></Account></Response></Autodiscover>", ErrNoConfig},
		{"too many", poxDoc(strings.Repeat("<Protocol><Type>IMAP</Type></Protocol>", maxDocServers+1)), ErrSyntax},
		{"huge", poxDoc("<!--" + strings.Repeat("x", maxDocumentSize) + "-->"), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseAutodiscover([]byte(tt.in), alice); !errors.Is(err, tt.want) {
				t.Fatalf("ParseAutodiscover() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseAutodiscoverBadServers(t *testing.T) {
	doc := poxDoc(`<Protocol><Type>IMAP</Type><Server>https://imap.example.com</Server><Port>993</Port></Protocol>` +
		`<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>0</Port></Protocol>` +
		`<Protocol><Type>CalDAV</Type><Server>dav.example.com</Server></Protocol>` +
		`<Protocol><Type>smtp</Type><Server>smtp.example.com</Server><Port>465</Port><SPA>off</SPA></Protocol>`)
	got, err := ParseAutodiscover([]byte(doc), Address{Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Server{{Protocol: SMTP, Host: "smtp.example.com", Port: 465, Security: SecurityTLS, Username: "%EMAILADDRESS%", Auth: []AuthMethod{AuthPasswordCleartext}}}
	if !reflect.DeepEqual(got.Servers, want) || len(got.Problems) != 2 || len(got.Notes) != 1 {
		t.Errorf("Servers %v, Problems %q, Notes %q", got.Servers, got.Problems, got.Notes)
	}
}

func FuzzParseAutodiscover(f *testing.F) {
	files, _ := filepath.Glob("testdata/autodiscover/*.xml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(poxDoc(`<Protocol><Type>IMAP</Type><Server>a.example</Server><Port>1</Port></Protocol>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseAutodiscover(data, alice)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrNoConfig) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			if errors.Is(err, ErrNoConfig) != (got != nil) {
				t.Fatalf("ParseAutodiscover() = %v, %v", got, err)
			}
			return
		}
		switch got.Action {
		case "settings":
		case "redirectAddr":
			if got.RedirectAddr == "" {
				t.Fatal("redirectAddr without address")
			}
		case "redirectUrl":
			if got.RedirectURL == "" {
				t.Fatal("redirectUrl without URL")
			}
		default:
			t.Fatalf("Action %q", got.Action)
		}
		for _, s := range got.Servers {
			if _, err := checkServerHost(s.Host); err != nil || s.Port < 1 || s.Port > 65535 || len(s.Auth) == 0 || s.Username == "" {
				t.Fatalf("bad server %v %q", s, s.Username)
			}
		}
		if len(got.hints) != len(got.Problems) {
			t.Fatalf("%d hints for %d problems", len(got.hints), len(got.Problems))
		}
	})
}
