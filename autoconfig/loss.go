package autoconfig

import "fmt"

// Loss is something a writer could not express in its format, or had to
// assume: the command shows every one, so that nothing is dropped
// silently.
type Loss struct {
	// Server is the server concerned ("imap mail.example.com:143
	// (starttls)"), or empty for the whole account.
	Server  string
	Message string
}

func (l Loss) String() string {
	if l.Server == "" {
		return l.Message
	}
	return l.Server + ": " + l.Message
}

// losses collects a writer's Loss values.
type losses []Loss

func (ls *losses) add(s *Server, format string, args ...any) {
	l := Loss{Message: fmt.Sprintf(format, args...)}
	if s != nil {
		l.Server = s.String()
	}
	*ls = append(*ls, l)
}

// assumed records what every writer assumes for a server whose sources
// left something out, in the same words for every format.
func (ls *losses) assumed(s Server) {
	if s.Username == "" && !noLogin(s) {
		ls.add(&s, "no source said the login name; written as the whole address, the usual form")
	}
	if len(s.Auth) == 0 {
		ls.add(&s, "no source said how to log in; written as a password")
	}
}

// extraServers records that a format keeps only the first server of a
// path.
func (ls *losses) extraServers(format, path string, kept Server, dropped []Server) {
	if len(dropped) == 0 {
		return
	}
	names := ""
	for i, d := range dropped {
		if i > 0 {
			names += ", "
		}
		names += d.String()
	}
	ls.add(nil, "%s holds one %s server: kept %s, left out %s", format, path, kept, names)
}
