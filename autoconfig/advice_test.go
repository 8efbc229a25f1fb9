package autoconfig

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestParseMozillaAdvice: the ISPDB's <enable> (here beside
// <emailProvider>, as googlemail.com.xml has it) and its <documentation>
// pages with their descriptions are kept as advice.
func TestParseMozillaAdvice(t *testing.T) {
	b, err := os.ReadFile("testdata/ispdb/googlemail.com.xml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseMozilla(b, alice)
	if err != nil {
		t.Fatal(err)
	}
	want := []Advice{
		{Kind: AdviceEnable, Text: "You need to enable IMAP access", URL: "https://mail.google.com/mail/?ui=2&shva=1#settings/fwdandpop", Needs: []string{"enable-access"}},
		{Kind: AdviceDocumentation, Text: "How to enable IMAP/POP3 in GMail", URL: "http://mail.google.com/support/bin/answer.py?answer=13273"},
	}
	if len(c.Advice) != 5 {
		t.Fatalf("advice %+v, want the enable instruction and 4 pages", c.Advice)
	}
	for i, w := range want {
		if a := c.Advice[i]; a.Kind != w.Kind || a.Text != w.Text || a.URL != w.URL || !slices.Equal(a.Needs, w.Needs) {
			t.Errorf("advice %d = %+v, want %+v", i, a, w)
		}
	}
}

// TestAdviceReachesEveryFormat: Gmail's entry in the provider database,
// through discovery's result, gives the app-password and enable advice to
// the text steps, the Thunderbird file and the profile; the autodiscover
// response says it dropped them.
func TestAdviceReachesEveryFormat(t *testing.T) {
	p := &Provider{ID: "gmail.com", DisplayName: "Google Mail",
		Hints: []ProviderHint{
			{Kind: "enable", Text: "You need to enable IMAP access", URL: "https://mail.google.com/settings", Needs: []string{"enable-access"}},
			{Kind: "status", Text: "Delta Chat rates this provider \"preparation\""},
			{Kind: "before-login", Text: "For Gmail accounts, you need to create an app-password.", Needs: []string{"app-password"}},
		},
		Documentation: []ProviderLink{{URL: "https://support.google.com/mail/imap", Description: "IMAP help"}},
	}
	lk := Lookup{Source: SourceProviders, Trusted: true}
	p.describe(&lk, alice, "listed")
	lk.Outcome = OutcomeFound
	facts := providerFacts([]Lookup{lk})
	if facts == nil || len(facts.Advice) != 3 {
		t.Fatalf("facts %+v: want 3 pieces of advice (the status rating left out)", facts)
	}
	st := writerFixtures["oauth2"]
	st.Advice = facts.Advice
	var text bytes.Buffer
	if _, err := WriteText(&text, st, "k9"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Before you start:", "create an app-password", "enable IMAP access (https://mail.google.com/settings)", "More help:", "IMAP help (https://support.google.com/mail/imap)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var tb bytes.Buffer
	ls, err := WriteThunderbird(&tb, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<enable visiturl="https://mail.google.com/settings">`, "<instruction>You need to enable IMAP access</instruction>", `<documentation url="https://support.google.com/mail/imap">`} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("thunderbird lacks %q:\n%s", want, tb.String())
		}
	}
	if !lossesSay(ls, "app-password") {
		t.Errorf("thunderbird: the app-password hint (no page) is neither written nor reported: %v", ls)
	}
	var mc bytes.Buffer
	if _, err := WriteMobileconfig(&mc, st); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mc.String(), "create an app-password.") {
		t.Errorf("the profile's description lacks the app password advice")
	}
	ls, err = WriteAutodiscover(&bytes.Buffer{}, st)
	if err != nil || !lossesSay(ls, "app-password") || !lossesSay(ls, "enable IMAP") {
		t.Errorf("autodiscover: %v, losses %v", err, ls)
	}
}

func lossesSay(ls []Loss, s string) bool {
	for _, l := range ls {
		if strings.Contains(l.String(), s) {
			return true
		}
	}
	return false
}
