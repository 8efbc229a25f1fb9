package autoconfig

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TextClients are the clients WriteText can word its instructions for.
var TextClients = []string{"thunderbird", "outlook", "apple-mail", "ios", "android", "windows-mail", "k9"}

// textSheet is one client's manual-setup screen: where to find it, and
// the fields with their labels and values, incoming and outgoing side by
// side.
type textSheet struct {
	client string   // the client's name, for the title
	steps  []string // how to reach the fields
	heads  [2]string
	rows   [][3]string // label, incoming value, outgoing value ("" = not on this side)
	// security and protocol name servers in the client's words, for the
	// list of other servers.
	security func(Server) string
	notes    []string
}

// textClient builds the sheet for one client from the first incoming and
// outgoing server, adding to ls what the client cannot be told.
type textClient func(st Settings, in, out Server, ls *losses) textSheet

// WriteText writes step-by-step instructions: the fields a person fills
// in, in the named client's own words and labels (one of TextClients), or
// in neutral words when client is empty. The best incoming and outgoing
// servers are shown side by side, the others listed after them. It needs
// an incoming and an outgoing server (ErrIncomplete).
func WriteText(w io.Writer, st Settings, client string) ([]Loss, error) {
	build, ok := textClients[client]
	if !ok {
		return nil, fmt.Errorf("autoconfig: unknown client %q (want one of %s)", client, strings.Join(TextClients, ", "))
	}
	if err := st.need("text", true, true); err != nil {
		return nil, err
	}
	var ls losses
	in, out := st.Incoming[0], st.Outgoing[0]
	ls.assumed(in)
	ls.assumed(out)
	sh := build(st, in, out, &ls)
	var b bytes.Buffer
	if sh.client == "" {
		fmt.Fprintf(&b, "Mail settings for %s\n", st.Address)
	} else {
		fmt.Fprintf(&b, "Mail settings for %s in %s\n", st.Address, sh.client)
	}
	before, after, help := splitAdvice(st.Advice)
	writeList(&b, "Before you start:", before)
	if len(sh.steps) > 0 {
		b.WriteString("\n")
		for i, s := range sh.steps {
			fmt.Fprintf(&b, "%d. %s\n", i+1, s)
		}
	}
	b.WriteString("\n")
	writeColumns(&b, append([][3]string{{"", sh.heads[0], sh.heads[1]}}, sh.rows...))
	others := append(append([]Server(nil), st.Incoming[1:]...), st.Outgoing[1:]...)
	unchecked := st.IncomingStatus == StatusUnknown && st.OutgoingStatus == StatusUnknown
	if len(others) > 0 {
		if unchecked {
			b.WriteString("\nOther servers the sources name, not checked, in the sources' order:\n")
		} else {
			b.WriteString("\nOther servers that work, best first:\n")
		}
		for _, s := range others {
			fmt.Fprintf(&b, "  %-8s  %-4s  %s  port %d  %s", s.Side(), protoName(s), s.Host, s.Port, sh.security(s))
			first := in
			if s.Side() == Outgoing {
				first = out
			}
			if u := st.loginText(s); u != st.loginText(first) {
				fmt.Fprintf(&b, "  username %s", orDash(u))
			}
			b.WriteString("\n")
		}
	}
	if hasAuth(out, AuthClientIP) && !passwordLogin(out) {
		sh.notes = append(sh.notes, out.Host+" takes mail without a login only from the provider's own network.")
	}
	for _, s := range []Server{in, out} {
		if s.Security == SecurityNone {
			what := "the password and the mail cross"
			if noLogin(s) {
				what = "the mail crosses"
			}
			sh.notes = append(sh.notes, fmt.Sprintf("%s port %d has no encryption: %s the network readable by anyone on the way.", s.Host, s.Port, what))
		}
	}
	if unchecked {
		sh.notes = append(sh.notes, "These settings were not checked: postino did not connect to the servers (--no-probe).")
	}
	writeList(&b, "After setting up:", after)
	writeList(&b, "More help:", help)
	if len(sh.notes) > 0 {
		b.WriteString("\n")
		for _, n := range sh.notes {
			fmt.Fprintf(&b, "Note: %s\n", n)
		}
	}
	_, err := w.Write(b.Bytes())
	return ls, err
}

// writeColumns lays rows out in three columns; an empty value is shown as
// "-" (the field is not on that side).
func writeColumns(b *bytes.Buffer, rows [][3]string) {
	var width [2]int
	for _, r := range rows {
		for i := 0; i < 2; i++ {
			width[i] = max(width[i], utf8.RuneCountInString(r[i]))
		}
	}
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-utf8.RuneCountInString(s)) }
	for i, r := range rows {
		in, out := r[1], r[2]
		if i > 0 {
			in, out = orDash(in), orDash(out)
		}
		line := pad(r[0], width[0]) + "   " + pad(in, width[1]) + "   " + out
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// loginText is the login name as a person types it, or what to type when
// it depends on a mailbox name that was not given; "" for a server that
// needs no login.
func (st Settings) loginText(s Server) string {
	if noLogin(s) {
		return ""
	}
	if u := st.concreteLogin(s); u != "" {
		return u
	}
	switch form, u := st.login(s); form {
	case loginAddress:
		return "(your email address)"
	case loginLocal:
		return "(the part of your email address before the @)"
	default:
		return u
	}
}

func protoName(s Server) string {
	if s.Protocol == POP3 {
		return "POP3"
	}
	return strings.ToUpper(string(s.Protocol))
}

// hasAuth reports whether s offers m; a server whose sources named no
// method is taken to want a plain password, as every writer assumes.
func hasAuth(s Server, m AuthMethod) bool {
	return len(s.Auth) == 0 && m == AuthPasswordCleartext || containsAuth(s.Auth, m)
}

// passwordLogin reports whether s takes a password (plain or encrypted).
func passwordLogin(s Server) bool {
	return hasAuth(s, AuthPasswordCleartext) || hasAuth(s, AuthPasswordEncrypted)
}

// noLogin reports whether s needs no login at all (an ISP relay).
func noLogin(s Server) bool {
	return !passwordLogin(s) && (hasAuth(s, AuthNone) || hasAuth(s, AuthClientIP))
}

// unsayable records the methods a client has no setting for, when the
// server offers nothing the client can use instead.
func unsayable(ls *losses, client string, s Server, usable func(AuthMethod) bool) {
	for _, m := range s.Auth {
		if usable(m) {
			return
		}
	}
	if len(s.Auth) > 0 {
		ls.add(&s, "%s has no setting for %s; it will try a password", client, s.Auth[0])
	}
}

// startTLSUnsayable records that a client has one TLS switch for both
// STARTTLS and implicit TLS.
func startTLSUnsayable(ls *losses, client string, servers ...Server) {
	for _, s := range servers {
		if s.Security == SecurityStartTLS {
			ls.add(&s, "%s has one TLS switch for STARTTLS and implicit TLS; it chooses by itself", client)
		}
	}
}

// splitAdvice sorts the advice by when it matters: before the first
// login (switch access on, an app password), after it, and pages to read.
func splitAdvice(as []Advice) (before, after, help []string) {
	for _, a := range as {
		switch {
		case a.Kind == AdviceEnable || a.Kind == "before-login" || len(a.Needs) > 0:
			before = append(before, a.String())
		case a.Kind == "after-login":
			after = append(after, a.String())
		default:
			help = append(help, a.String())
		}
	}
	return before, after, help
}

// writeList writes a titled list of items, nothing when there are none.
func writeList(b *bytes.Buffer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for _, it := range items {
		fmt.Fprintf(b, "  - %s\n", it)
	}
}
