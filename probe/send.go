package probe

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/postino-mail/postino/autoconfig"
)

// Finding codes for sending.
const (
	CodeSendDeferred = "smtp.rcpt-deferred"
	CodeSendRejected = "smtp.send-rejected"
)

// Message is the test message `postino test --send` sends to the account
// itself.
type Message struct {
	From, To string
	// ID is the Message-ID without angle brackets; it finds the message
	// again in the round trip.
	ID   string
	Date time.Time
}

// NewMessage makes a test message from and to addr with a fresh
// Message-ID.
func NewMessage(addr string, now time.Time) *Message {
	b := make([]byte, 8)
	rand.Read(b)
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	return &Message{From: addr, To: addr, ID: "postino-" + hex.EncodeToString(b) + "@" + domain, Date: now}
}

// Token is the short identifier in the subject.
func (m *Message) Token() string {
	id, _, _ := strings.Cut(m.ID, "@")
	return strings.TrimPrefix(id, "postino-")
}

// Bytes is the message as sent: headers and a short body, CRLF lines.
func (m *Message) Bytes() []byte {
	lines := []string{
		"From: " + m.From,
		"To: " + m.To,
		"Subject: postino test " + m.Token(),
		"Date: " + m.Date.Format(time.RFC1123Z),
		"Message-ID: <" + m.ID + ">",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"Auto-Submitted: auto-generated",
		"",
		"This message was sent by postino test to check that this account can",
		"send mail and receive it. It can be deleted; postino deletes it itself",
		"when it is asked for a round trip.",
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// SendResult says how the test message went.
type SendResult struct {
	MessageID string `json:"message_id"`
	Accepted  bool   `json:"accepted"`
	// Deferred: the server answered 4xx (greylisting, a queue full), which
	// is not a failure.
	Deferred bool      `json:"deferred,omitempty"`
	At       time.Time `json:"at"`
}

// send runs MAIL FROM, RCPT TO and DATA on the logged-in session and
// records the send phase.
func (p *Prober) send(ss *session, l *smtpLib, lim *libLimit, m *Message, d *Diagnosis) *SendResult {
	s := d.Server
	res := &SendResult{MessageID: m.ID}
	start := time.Now()
	step, err := "MAIL FROM", l.c.Mail(m.From, nil)
	if err == nil {
		step, err = "RCPT TO", l.c.Rcpt(m.To, nil)
	}
	if err == nil {
		step = "DATA"
		var w *smtp.DataCommand
		if w, err = l.c.Data(); err == nil {
			if _, err = w.Write(m.Bytes()); err == nil {
				err = w.Close()
			} else {
				w.Close()
			}
		}
	}
	err = lim.explain(err)
	ph := autoconfig.Phase{Name: autoconfig.PhaseSend, Address: ss.addr, Duration: autoconfig.Duration(time.Since(start)), OK: err == nil}
	res.At = time.Now()
	if err == nil {
		res.Accepted = true
		ph.Detail = fmt.Sprintf("message <%s> accepted for %s", m.ID, m.To)
		d.addPhase(ph)
		return res
	}
	if f, ok := tooLargeFinding(s, err); ok {
		ph.Detail = step + ": " + errMsg(err)
		d.addPhase(ph)
		d.addFindings(f)
		return res
	}
	var se *smtp.SMTPError
	said := printable(err.Error(), 300)
	if errors.As(err, &se) {
		said = replyOf(err).String()
	}
	ph.Detail = step + ": " + said
	d.addPhase(ph)
	if se != nil && se.Code >= 400 && se.Code < 500 {
		res.Deferred = true
		d.addFindings(findSendDeferred.On(s, autoconfig.Values{"step": step, "said": said}))
		return res
	}
	d.addFindings(findSendRejected.On(s, autoconfig.Values{"step": step, "said": said}))
	return res
}
