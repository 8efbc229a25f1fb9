package autoconfig

import "testing"

func TestFindingDefFills(t *testing.T) {
	d := FindingDef{Code: "test.fill", Severity: SeverityWarning,
		Message: "{server} says {what}", Hint: "use port {port}, not {missing}"}
	s := Server{Protocol: SMTP, Host: "mail.example.com", Port: 587, Security: SecurityStartTLS}
	f := d.On(s, Values{"what": "{no}"})
	want := Finding{Code: "test.fill", Severity: SeverityWarning, Side: Outgoing, Server: "mail.example.com:587",
		Message: "mail.example.com:587 says {no}", Hint: "use port 587, not {missing}"}
	if f != want {
		t.Errorf("got %+v\nwant %+v", f, want)
	}
	if g := d.New(Incoming, "", Values{"server": "x", "what": "y"}); g.Message != "x says y" || g.Server != "" || g.Side != Incoming {
		t.Errorf("New: %+v", g)
	}
}
