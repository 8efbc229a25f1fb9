package main

import "strings"

// needKeywords recognise what a free-text hint asks of the user, in the
// languages the sources write hints in. It is a heuristic for the summary
// (Provider.Needs) only: the hint's own text is always kept and shown.
var needKeywords = map[string][]string{
	"app-password": {
		"app password", "app-password", "app-specific password", "app passwords",
		"application password", "app-passwort", "anwendungspasswort",
		"third-party auth code",
		"пароль для внешнего приложения", "пароль приложения",
	},
	"enable-access": {
		"enable imap", "enabling imap", "enable \"pop3/smtp/imap\"", "enable external pop3/imap",
		"enable pop", "allow imap", "allow access via pop3", "activate pop3/imap", "activate imap",
		"turn on imap", "enabling imap/smtp", "manually enabling imap",
		"\"pop3/imap/smtp\" aktivieren", "imap aktivieren",
		"включить доступ",
	},
}

// hintNeeds returns the needs a hint's text mentions, in a fixed order.
func hintNeeds(text string) []string {
	t := strings.ToLower(text)
	var out []string
	for _, need := range []string{"app-password", "enable-access"} {
		for _, k := range needKeywords[need] {
			if strings.Contains(t, k) {
				out = append(out, need)
				break
			}
		}
	}
	return out
}
