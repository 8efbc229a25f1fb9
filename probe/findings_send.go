package probe

import "github.com/postino-mail/postino/autoconfig"

// The findings about sending the test message (send.go) and finding it in
// the mailbox (roundtrip.go, and commands' test when no incoming login
// worked). Each code is defined once here; a code with a second wording
// has it as an unregistered definition of the same code next to it.
var (
	findSendDeferred = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeSendDeferred, Severity: autoconfig.SeverityWarning,
		Message:     "{server} deferred the test message at {step} (server said: {said}): greylisting or a temporary problem, not a failure",
		Hint:        "nothing to fix if it is greylisting: the server accepts a retry after a few minutes; run the test again later",
		Explanation: "The server answered the test message with a temporary failure (4xx), most often greylisting (450 4.2.0 Greylisted, 451 4.7.1 Try again later), which accepts the message on a retry minutes later. It is not a failure of the account.",
	})
	findSendRejected = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeSendRejected, Severity: autoconfig.SeverityError,
		Message:     "{server} refused the test message at {step} (server said: {said})",
		Hint:        "the server's reply says why: a sender address the account may not use, a recipient it does not know, or a policy; check the account's sending rights",
		Explanation: "The server refused the test message for good (5xx) at MAIL FROM, RCPT TO or DATA: the account may not send as its own address, the recipient is unknown, or a policy (size, content, rate limit) applies.",
	})
	findRoundtripMissing = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeRoundtripMissing, Severity: autoconfig.SeverityError,
		Message:     "the test message <{id}> was accepted for sending but did not arrive in {server} within {wait}",
		Hint:        "the mail is queued, filtered as spam, or bounced: check the spam folder, the sender's bounce messages, and the server's mail log",
		Explanation: "postino sent a message to the account itself and looked for it by Message-ID over IMAP or POP3 until the wait ended. It was accepted by the outgoing server but never reached the mailbox: it is queued, filtered into spam (IMAP searches INBOX only), or bounced; a longer --roundtrip-wait helps with slow queues. The same code says when the mailbox could not be searched at all: no incoming server accepted the login, or the search failed.",
	})
	findRoundtripNotSearched = autoconfig.FindingDef{
		Code: CodeRoundtripMissing, Severity: autoconfig.SeverityError,
		Message: "the test message was sent, but {server} could not be searched for it: {error}",
		Hint:    "run postino test with --login on the incoming server alone to see why",
	}
	findRoundtripNoIncoming = autoconfig.FindingDef{
		Code: CodeRoundtripMissing, Severity: autoconfig.SeverityError,
		Message: "the test message was sent, but no incoming server accepted the login to look for it",
		Hint:    "fix the incoming side first (see INCOMING)",
	}
	findRoundtripCleanup = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeRoundtripCleanup, Severity: autoconfig.SeverityWarning,
		Message:     "the test message <{id}> arrived but could not be deleted: {error}",
		Hint:        "delete the message whose subject starts with \"postino test\" by hand",
		Explanation: "The round trip worked, but deleting the test message failed afterwards, so it stays in the mailbox.",
	})
)

// RoundtripNoIncoming is the finding on the outgoing server out whose
// test message was sent when no incoming server accepted the login, so
// nothing could look for it.
func RoundtripNoIncoming(out autoconfig.Server) autoconfig.Finding {
	return findRoundtripNoIncoming.On(out, nil)
}
