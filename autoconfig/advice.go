package autoconfig

import "strings"

// Advice is something a person must do or know to use an account that no
// server field says: switch IMAP access on first, create an app password,
// read the provider's page. It comes from the sources (a config document's
// <enable> and <documentation>, the provider database's hints) and is
// carried into every client format that can hold it; the others say on
// standard error that they dropped it.
type Advice struct {
	// Kind is AdviceEnable (the publisher's <enable> instruction),
	// AdviceDocumentation (a page about the account), or the provider
	// database's hint kinds: "before-login", "after-login", "hoster".
	Kind string `json:"kind"`
	Text string `json:"text,omitempty"`
	URL  string `json:"url,omitempty"`
	// Needs is what the advice asks of the user, as in Provider.Needs:
	// "app-password", "enable-access", "oauth2".
	Needs []string `json:"needs,omitempty"`
}

// Advice kinds that config documents carry.
const (
	AdviceEnable        = "enable"
	AdviceDocumentation = "documentation"
)

// String is the advice in one line: its text, then its page.
func (a Advice) String() string {
	switch {
	case a.Text == "":
		return a.URL
	case a.URL == "":
		return a.Text
	}
	return a.Text + " (" + a.URL + ")"
}

// mergeAdvice appends the advice of more that list lacks: the same text,
// or the same page, is said once.
func mergeAdvice(list []Advice, more ...Advice) []Advice {
	for _, a := range more {
		if strings.TrimSpace(a.Text) == "" && strings.TrimSpace(a.URL) == "" {
			continue
		}
		dup := false
		for _, b := range list {
			if a.Text != "" && strings.EqualFold(a.Text, b.Text) || a.URL != "" && a.URL == b.URL && a.Kind == b.Kind {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// droppedAdvice records every piece of advice a format has no place for.
func (ls *losses) droppedAdvice(format string, as []Advice) {
	for _, a := range as {
		ls.add(nil, "%s has no place for the provider's advice: %s", format, a)
	}
}
