package commands

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// checkTarget is one thing `postino check` tests: an address or a domain
// (both paths, found by discovery), or one server named by a URL (one
// path; the other is skipped).
type checkTarget struct {
	// Raw is the target as written; it names the target in every format.
	Raw  string
	addr autoconfig.Address
	srv  *autoconfig.Server
	// err is why the target could not be read; such a target is reported
	// as UNKNOWN and the rest still run.
	err error
}

// targetSchemes are the URL forms of a single server. An "s" scheme is
// implicit TLS (RFC 8314); a plain one is STARTTLS unless its port is an
// implicit-TLS port (imap://host:993 means what it says).
var targetSchemes = map[string]struct {
	proto autoconfig.Protocol
	tls   bool
	port  int // when the URL names none
}{
	"imap":        {autoconfig.IMAP, false, 143},
	"imaps":       {autoconfig.IMAP, true, 993},
	"pop3":        {autoconfig.POP3, false, 110},
	"pop3s":       {autoconfig.POP3, true, 995},
	"submission":  {autoconfig.SMTP, false, 587},
	"submissions": {autoconfig.SMTP, true, 465},
	"smtps":       {autoconfig.SMTP, true, 465},
	"smtp":        {autoconfig.SMTP, false, 25},
}

// parseTarget reads one target. It never fails: a bad target carries its
// error.
func parseTarget(s string) checkTarget {
	t := checkTarget{Raw: s}
	if i := strings.Index(s, "://"); i > 0 {
		srv, err := parseTargetURL(s)
		t.srv, t.err = srv, err
		return t
	}
	t.addr, t.err = autoconfig.ParseAddress(s)
	return t
}

func parseTargetURL(s string) (*autoconfig.Server, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	sch, ok := targetSchemes[strings.ToLower(u.Scheme)]
	if !ok {
		return nil, fmt.Errorf("unknown scheme %q: want imap, imaps, pop3, pop3s, submission, submissions, smtps or smtp", u.Scheme)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return nil, fmt.Errorf("want SCHEME://HOST[:PORT]")
	}
	if strings.Contains(u.Hostname(), "%") {
		// An IPv6 zone (RFC 6874) names an interface of this machine, and
		// its text could pass for an allowed domain in serve's allow-list.
		return nil, fmt.Errorf("an IPv6 zone (%%) in the host is not accepted")
	}
	sec := autoconfig.SecurityStartTLS
	if sch.tls {
		sec = autoconfig.SecurityTLS
	}
	if u.Port() == "" {
		return &autoconfig.Server{Protocol: sch.proto, Host: u.Hostname(), Port: sch.port, Security: sec}, nil
	}
	// test's rule for HOST:PORT: the implicit-TLS ports are TLS, the rest
	// as the scheme says.
	srv, err := parseServer(sch.proto, u.Host, sec)
	if err != nil {
		return nil, err
	}
	if !sch.tls && (srv.Port == 993 || srv.Port == 995 || srv.Port == 465) {
		srv.Security = autoconfig.SecurityTLS
	}
	return &srv, nil
}

// targetSource streams targets in input order: the arguments, or the lines
// of --from (a file, or "-" for standard input). Blank lines and # comments
// are skipped. The channel closes at the end of the input or when ctx
// ends; a read error arrives as a final target carrying it.
func targetSource(ctx context.Context, args []string, from string, stdin io.Reader) (<-chan checkTarget, error) {
	var r io.Reader
	var closer io.Closer
	switch {
	case from == "-" || (from == "" && len(args) == 1 && args[0] == "-"):
		r = stdin
	case from != "":
		f, err := os.Open(from)
		if err != nil {
			return nil, usageError{fmt.Errorf("--from: %w", err)}
		}
		r, closer = f, f
	}
	ch := make(chan checkTarget)
	go func() {
		defer close(ch)
		if closer != nil {
			defer closer.Close()
		}
		send := func(t checkTarget) bool {
			select {
			case ch <- t:
				return true
			case <-ctx.Done():
				return false
			}
		}
		if r == nil {
			for _, a := range args {
				if !send(parseTarget(a)) {
					return
				}
			}
			return
		}
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := targetLine(sc.Text())
			if line == "" {
				continue
			}
			if !send(parseTarget(line)) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			send(checkTarget{Raw: "(input)", err: fmt.Errorf("reading targets: %w", err)})
		}
	}()
	return ch, nil
}

// targetLine is the target on one line of a targets file, "" for a blank
// or comment line ("#" starts a comment).
func targetLine(line string) string {
	if i := strings.Index(line, "#"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
