package probe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/postino-mail/postino/autoconfig"
)

// Finding codes for the round trip.
const (
	CodeRoundtripMissing = "roundtrip.not-delivered"
	CodeRoundtripCleanup = "roundtrip.cleanup-failed"
)

// DefaultRoundtripWait bounds how long a round trip waits for the message.
const DefaultRoundtripWait = 30 * time.Second

// roundtripPoll is the pause between two looks into the mailbox.
const roundtripPoll = 250 * time.Millisecond

// RoundtripOptions configure Roundtrip.
type RoundtripOptions struct {
	Login              *Credentials
	Trusted            bool
	AllowPlaintextAuth bool
	// Wait bounds the search for the message; zero means
	// DefaultRoundtripWait. The context's deadline bounds it too.
	Wait time.Duration
}

// Roundtrip looks for the message sent in out (its Sent must be set) on
// the incoming server in, by Message-ID, polling until it arrives or the
// wait ends, then deletes it. The phase, findings and transcript go into
// out, whose status is judged again.
func (p *Prober) Roundtrip(ctx context.Context, out *Diagnosis, in autoconfig.Server, o *RoundtripOptions) {
	ctx, g := guardPanics(ctx)
	defer g.raise()
	defer func() {
		out.Status = out.Verdict()
		scrub(out, o.Login.secrets())
	}()
	if out.Sent == nil || !out.Sent.Accepted {
		return
	}
	if in.Port == 0 {
		in.Port = autoconfig.DefaultPort(in.Protocol, in.Security)
	}
	if skip, f := refuseCredentials(in, o.Trusted, o.AllowPlaintextAuth); f != nil {
		out.addPhase(autoconfig.Phase{Name: autoconfig.PhaseRoundtrip, Detail: "not looked for: " + skip})
		out.addFindings(*f)
		return
	}
	wait := o.Wait
	if wait <= 0 {
		wait = DefaultRoundtripWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	rt := &roundtrip{p: p, in: in, o: o, id: out.Sent.MessageID, sent: out.Sent.At, red: newRedactor(in.Protocol == autoconfig.IMAP, o.Login.secrets())}
	if in.Protocol == autoconfig.POP3 {
		rt.pop3(ctx)
	} else {
		rt.imap(ctx)
	}
	out.Transcript = append(out.Transcript, autoconfig.TranscriptLine{Dir: "info", Text: "round trip: " + in.String()})
	out.Transcript = append(out.Transcript, rt.transcript...)
	ph := autoconfig.Phase{Name: autoconfig.PhaseRoundtrip, Address: rt.addr, OK: rt.found, Duration: autoconfig.Duration(rt.took)}
	switch {
	case rt.found:
		ph.Detail = fmt.Sprintf("<%s> arrived in %s after %s, %d looks", rt.id, in.Addr(), rt.took.Round(time.Millisecond), rt.looks)
		if rt.cleanErr != nil {
			ph.Detail += "; not deleted: " + rt.cleanErr.Error()
			out.addFindings(findRoundtripCleanup.On(in, autoconfig.Values{"id": rt.id, "error": printable(rt.cleanErr.Error(), 200)}))
		} else {
			ph.Detail += "; deleted"
		}
	case rt.err != nil && !errors.Is(rt.err, context.DeadlineExceeded):
		ph.Detail = "could not look: " + printable(errMsg(rt.err), 300)
		out.addFindings(findRoundtripNotSearched.On(in, autoconfig.Values{"error": printable(errMsg(rt.err), 300)}))
	default:
		ph.Detail = fmt.Sprintf("<%s> not in %s after %s (%d looks)", rt.id, in.Addr(), wait, rt.looks)
		out.addFindings(findRoundtripMissing.On(in, autoconfig.Values{"id": rt.id, "wait": fmt.Sprint(wait)}))
	}
	out.addPhase(ph)
}

// roundtrip is one search for the test message.
type roundtrip struct {
	p          *Prober
	in         autoconfig.Server
	o          *RoundtripOptions
	id         string
	sent       time.Time
	red        *redactor
	addr       string
	looks      int
	found      bool
	took       time.Duration
	err        error
	cleanErr   error
	transcript []autoconfig.TranscriptLine
}

// session opens a logged-in library session to the incoming server and
// runs fn on it.
func (rt *roundtrip) session(ctx context.Context, fn func(l library) error) {
	ss := rt.p.attempt(ctx, rt.in, attemptConfig{then: func(ctx context.Context, ss *session, _ dialog) error {
		conn, stop := ss.handover(ctx, greetingFor(rt.in.Protocol), rt.red)
		defer stop()
		rt.addr = ss.addr
		l, err := rt.p.libLogin(ss, conn, rt.o.Login)
		if err = conn.limit.explain(err); err != nil {
			if l != nil {
				conn.hurry(quitWait)
				l.close()
			}
			return err
		}
		defer func() {
			conn.hurry(quitWait)
			l.close()
		}()
		err = fn(l)
		if e := conn.limit.err(); e != nil {
			rt.err, err = e, e
		}
		return err
	}})
	if len(rt.transcript) < 400 {
		rt.transcript = append(rt.transcript, ss.res.Transcript...)
	}
	if ss.res.Status != autoconfig.ProbeOK && rt.err == nil {
		rt.err = errors.New(ss.res.Error)
	}
}

func (rt *roundtrip) arrived() {
	rt.found, rt.took = true, time.Since(rt.sent)
}

func (rt *roundtrip) imap(ctx context.Context) {
	rt.session(ctx, func(l library) error {
		c := l.(*imapLib).c
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			rt.err = err
			return err
		}
		crit := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + rt.id + ">"}}}
		for {
			rt.looks++
			if err := c.Noop().Wait(); err != nil {
				rt.err = err
				return err
			}
			data, err := c.UIDSearch(crit, nil).Wait()
			if err != nil {
				rt.err = err
				return err
			}
			if uids := data.AllUIDs(); len(uids) > 0 {
				rt.arrived()
				set := imap.UIDSetNum(uids...)
				err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
				if err == nil {
					if c.Caps().Has(imap.CapUIDPlus) {
						err = c.UIDExpunge(set).Close()
					} else {
						err = c.Expunge().Close()
					}
				}
				rt.cleanErr = err
				return nil
			}
			if !sleepCtx(ctx, roundtripPoll) {
				return nil
			}
		}
	})
}

// pop3 looks with a new session each time: a POP3 session sees the
// mailbox as it was at login (RFC 1939 section 8).
func (rt *roundtrip) pop3(ctx context.Context) {
	for ctx.Err() == nil && !rt.found && rt.err == nil {
		rt.looks++
		rt.session(ctx, func(l library) error {
			c := l.(*pop3Lib).c
			n, _, err := c.Stat()
			if err != nil {
				rt.err = err
				return err
			}
			// Newest first; the test message is among the last.
			for i := n; i >= 1 && i > n-50; i-- {
				ent, err := c.Top(i, 0)
				if err != nil {
					continue
				}
				if ent.Header.Get("Message-Id") == "<"+rt.id+">" {
					rt.arrived()
					rt.cleanErr = c.Dele(i)
					return nil
				}
			}
			return nil
		})
		if !rt.found && !sleepCtx(ctx, roundtripPoll) {
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// refuseCredentials says why credentials must not go to s, with the
// finding to report, or "" and nil when they may.
func refuseCredentials(s autoconfig.Server, trusted, allowPlain bool) (string, *autoconfig.Finding) {
	switch {
	case !trusted:
		// A policy refusal, not a broken path (docs/json-schema.md,
		// Verdicts): the login was not tested, so the side is a warning.
		f := findAuthUntrusted.On(s, nil)
		return "server not from a trusted source", &f
	case s.Security == autoconfig.SecurityNone && !allowPlain:
		f := findAuthPlaintext.On(s, nil)
		return "no TLS", &f
	}
	return "", nil
}
