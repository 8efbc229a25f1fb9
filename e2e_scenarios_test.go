package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// The verdict scenarios: one domain per rule of docs/json-schema.md's
// "Ranking" and "Verdicts" that the seed worlds above do not show, each
// with the choice postino must make, the verdict of each side and the
// finding codes it must give. Real Dovecot and Postfix answer wherever a
// real server can show the case (through loopback forwarders that expose
// some of their ports on another address, so a host can lack port 465);
// scripted responders only where a script must (a STARTTLS answered NO, a
// tarpit). docs/scenarios.md renders this table; TestScenarioDocInStep
// keeps the two in step (go test -run TestScenarioDocInStep -update-scenarios
// rewrites the document).
var scenarios = []scenario{
	{Rule: "1 outgoing means submission", Domain: "submission.test", Command: "discover",
		Setup:    "nothing published; mail.submission.test answers on 25 (Postfix, no AUTH) and 587 (Postfix, AUTH), not on 465",
		Incoming: want{"ok", "imap mail.submission.test:993 tls"},
		Outgoing: want{"ok", "smtp mail.submission.test:587 starttls"},
		Absent:   []string{"discovery.port-25"}},
	{Rule: "2 no AUTH is not works", Domain: "norelay.test", Command: "test",
		Setup:    "SRV names smtp.norelay.test:587: real Postfix with STARTTLS and no AUTH that refuses to relay (554 5.7.1)",
		Incoming: want{"ok", "imap imap.norelay.test:993 tls"},
		Outgoing: want{"broken", "smtp smtp.norelay.test:587 starttls"},
		Findings: []string{"smtp.relay-refused"}},
	{Rule: "2 no AUTH is not works", Domain: "isprelay.test", Command: "discover",
		Setup:    "SRV names smtp.isprelay.test:587: real Postfix without AUTH that relays for 127.0.0.0/8, an access provider's line relay",
		Incoming: want{"ok", "imap imap.isprelay.test:993 tls"},
		Outgoing: want{"warning", "smtp smtp.isprelay.test:465 tls"},
		Findings: []string{"smtp.relay-without-login"}},
	{Rule: "2 no AUTH is not works", Domain: "clientip.test", Command: "test --login",
		Setup:    "autoconfig says client-IP-address for smtp.clientip.test:587, the relaying Postfix: no login is tried there, no auth error",
		Incoming: want{"ok", "imap imap.clientip.test:993 tls"},
		Outgoing: want{"warning", "smtp smtp.clientip.test:465 tls"},
		Findings: []string{"smtp.relay-without-login"}, Absent: []string{"auth.failed", "auth.wrong-password", "smtp.relay-refused"}},
	{Rule: "3 a policy refusal is not broken", Domain: "untrusted.test", Command: "test --login",
		Setup:    "SRV records point outside the domain (store.srv.test), unsigned: untrusted, so no password is sent",
		Incoming: want{"warning", "imap store.srv.test:993 tls"},
		Outgoing: want{"warning", "smtp store.srv.test:465 tls"},
		Findings: []string{"auth.untrusted-server"}},
	{Rule: "4 trust the MX's known provider", Domain: "hosted.test", Command: "discover",
		Setup:    "MX mx1.mailhost.test; the ISPDB's entry for mailhost.test names store.srv.test",
		Incoming: want{"ok", "imap store.srv.test:993 tls"},
		Outgoing: want{"ok", "smtp store.srv.test:465 tls"},
		Absent:   []string{"discovery.untrusted-source"}},
	{Rule: "5 an answer beats silence", Domain: "silence.test", Command: "test",
		Setup:    "autoconfig names mail.silence.test:143 STARTTLS, whose STARTTLS is answered NO; the guessed imap.silence.test:993 refuses connections",
		Incoming: want{"broken", "imap mail.silence.test:143 starttls"},
		Outgoing: want{"ok", "smtp mail.silence.test:587 starttls"},
		Findings: []string{"imap.starttls-refused"}, Absent: []string{"net.connect-refused"}},
	{Rule: "6 correct a wrong mode", Domain: "wrongmode.test", Command: "discover",
		Setup:    "autoconfig says SSL on port 587, where Postfix speaks STARTTLS; the host has no 465",
		Incoming: want{"ok", "imap mail.wrongmode.test:993 tls"},
		Outgoing: want{"warning", "smtp mail.wrongmode.test:587 starttls"}, // works, but clients following the file fail
		Findings: []string{"discovery.wrong-security"}, Absent: []string{"discovery.port-25"}},
	{Rule: "7 silence costs one timeout", Domain: "tarpit.test", Command: "test",
		Setup:    "SRV names store.tarpit.test:993, which accepts connections and never answers",
		Incoming: want{"broken", "imap store.tarpit.test:993 tls"},
		Outgoing: want{"warning", "smtp store.srv.test:465 tls"}, // named by an SRV record outside the domain
		Findings: []string{"server.silent"}},
	{Rule: "8 a broken side says why", Domain: "refused.test", Command: "discover",
		Setup:    "SRV names store.refused.test:993, where nothing listens",
		Incoming: want{"broken", "imap store.refused.test:993 tls"},
		Outgoing: want{"warning", "smtp store.srv.test:465 tls"}, // named by an SRV record outside the domain
		Findings: []string{"discovery.no-answer", "net.connect-refused"}},
	{Rule: "8 a broken side says why", Domain: "refused.test", Command: "check",
		Setup:    "the same, through postino check (and so postino serve, which runs check's workflow)",
		Incoming: want{"broken", "imap store.refused.test:993 tls"},
		Outgoing: want{"warning", "smtp store.srv.test:465 tls"},
		Findings: []string{"net.connect-refused"}},
	{Rule: "9 publication problems are findings", Domain: "httponly.test", Command: "discover",
		Setup:    "the autoconfig file is served over plain http only; mail.httponly.test also answers to guesses",
		Incoming: want{"ok", "imap mail.httponly.test:993 tls"},
		Outgoing: want{"ok", "smtp mail.httponly.test:465 tls"},
		Findings: []string{"discovery.autoconfig-http-only"}},
	{Rule: "9 publication problems are findings", Domain: "deadsrv.test", Command: "discover",
		Setup:    "_imaps._tcp names gone.deadsrv.test, which has no address; _imap._tcp names mail.deadsrv.test:143",
		Incoming: want{"warning", "imap mail.deadsrv.test:993 tls"}, // works, but clients following _imaps fail
		Outgoing: want{"ok", "smtp mail.deadsrv.test:465 tls"},
		Findings: []string{"dns.srv-target-dead"}},
}

// scenario is one row of the table.
type scenario struct {
	Rule, Domain, Command, Setup string
	Incoming, Outgoing           want
	Findings, Absent             []string
}

// want is one side: its verdict and the server postino chose (the
// recommendation, or the best-ranked candidate it diagnoses).
type want struct{ Status, Chosen string }

// Addresses of the scenario hosts. Forwarders on them expose some ports of
// the real servers on mailIP.
const (
	submissionIP = "127.0.2.1"
	silenceIP    = "127.0.2.3"
	wrongModeIP  = "127.0.2.4"
	tarpitIP     = "127.0.2.5"
	refusedIP    = "127.0.2.6"
	nothingIP    = "127.0.2.2"
	// The Postfix variants without AUTH (probetest's RelayRefusingAddr and
	// RelayingAddr), on 587 and 465 only.
	relayRefusingIP = "127.0.2.10"
	relayingIP      = "127.0.2.11"
	// clientIPPassword is alice@clientip.test's, the one --login sends.
	clientIPPassword = "wonderland-clientip.test"
)

func scenarioWorld() worldExtra {
	a := func(ip string) resolvertest.Records { return resolvertest.Records{A: []string{ip}} }
	srv := func(target string, port uint16) resolvertest.Records {
		return resolvertest.Records{SRV: []resolvertest.SRV{{Target: target, Port: port}}}
	}
	return worldExtra{
		names: []string{"mail.submission.test", "mail.silence.test", "imap.silence.test", "mail.wrongmode.test",
			"store.tarpit.test", "store.refused.test", "mail.httponly.test", "mail.deadsrv.test", "autoconfig.silence.test",
			"autoconfig.wrongmode.test", "imap.norelay.test", "smtp.norelay.test", "imap.isprelay.test", "smtp.isprelay.test",
			"imap.clientip.test", "smtp.clientip.test", "autoconfig.clientip.test"},
		mail: func(o *probetest.MailServerOptions) {
			o.RelayRefusingAddr, o.RelayingAddr = relayRefusingIP, relayingIP
			o.Users = append(o.Users, probetest.MailUser{Address: "alice@clientip.test", Password: clientIPPassword})
		},
		zone: resolvertest.Zone{
			"mail.submission.test":             a(submissionIP),
			"imap.norelay.test":                a(mailIP),
			"_submission._tcp.norelay.test":    srv("smtp.norelay.test", 587),
			"smtp.norelay.test":                a(relayRefusingIP),
			"imap.isprelay.test":               a(mailIP),
			"_submission._tcp.isprelay.test":   srv("smtp.isprelay.test", 587),
			"smtp.isprelay.test":               a(relayingIP),
			"imap.clientip.test":               a(mailIP),
			"autoconfig.clientip.test":         a(webIP),
			"smtp.clientip.test":               a(relayingIP),
			"_imaps._tcp.untrusted.test":       srv("store.srv.test", 993),
			"_submissions._tcp.untrusted.test": srv("store.srv.test", 465),
			"hosted.test":                      {MX: []resolvertest.MX{{Host: "mx1.mailhost.test", Pref: 10}}},
			"mx1.mailhost.test":                a(mailIP),
			"autoconfig.silence.test":          a(webIP),
			"mail.silence.test":                a(silenceIP),
			"imap.silence.test":                a(nothingIP),
			"autoconfig.wrongmode.test":        a(webIP),
			"mail.wrongmode.test":              a(wrongModeIP),
			"_imaps._tcp.tarpit.test":          srv("store.tarpit.test", 993),
			"_submissions._tcp.tarpit.test":    srv("store.srv.test", 465),
			"store.tarpit.test":                a(tarpitIP),
			"_imaps._tcp.refused.test":         srv("store.refused.test", 993),
			"_submissions._tcp.refused.test":   srv("store.srv.test", 465),
			"store.refused.test":               a(refusedIP),
			"autoconfig.httponly.test":         a(webIP),
			"mail.httponly.test":               a(mailIP),
			"_imaps._tcp.deadsrv.test":         srv("gone.deadsrv.test", 993),
			"_imap._tcp.deadsrv.test":          srv("mail.deadsrv.test", 143),
			"mail.deadsrv.test":                a(mailIP),
		},
		web: map[string]http.HandlerFunc{
			"ispdb.test/v1.1/mailhost.test":                        xmlDoc(configXML("mailhost.test", "store.srv.test", 993, "SSL", "store.srv.test", 465, "SSL")),
			"autoconfig.clientip.test/mail/config-v1.1.xml":        xmlDoc(strings.Replace(configXML("clientip.test", "imap.clientip.test", 993, "SSL", "smtp.clientip.test", 587, "STARTTLS"), "<authentication>password-cleartext</authentication></outgoingServer>", "<authentication>client-IP-address</authentication></outgoingServer>", 1)),
			"autoconfig.silence.test/mail/config-v1.1.xml":         xmlDoc(configXML("silence.test", "mail.silence.test", 143, "STARTTLS", "mail.silence.test", 587, "STARTTLS")),
			"autoconfig.wrongmode.test/mail/config-v1.1.xml":       xmlDoc(configXML("wrongmode.test", "mail.wrongmode.test", 993, "SSL", "mail.wrongmode.test", 587, "SSL")),
			"http://autoconfig.httponly.test/mail/config-v1.1.xml": xmlDoc(configXML("httponly.test", "mail.httponly.test", 993, "SSL", "mail.httponly.test", 465, "SSL")),
		},
		start: func(t *testing.T, w *world) {
			for _, p := range []int{25, 587, 993} {
				forward(t, submissionIP, p, mailIP)
				forward(t, wrongModeIP, p, mailIP)
			}
			forward(t, silenceIP, 587, mailIP)
			startNoSTARTTLSIMAP(t, silenceIP+":143")
			startTarpit(t, tarpitIP+":993")
		},
	}
}

func configXML(domain, inHost string, inPort int, inSocket, outHost string, outPort int, outSocket string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="%[1]s"><domain>%[1]s</domain>
 <incomingServer type="imap"><hostname>%[2]s</hostname><port>%[3]d</port><socketType>%[4]s</socketType>
  <username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></incomingServer>
 <outgoingServer type="smtp"><hostname>%[5]s</hostname><port>%[6]d</port><socketType>%[7]s</socketType>
  <username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`, domain, inHost, inPort, inSocket, outHost, outPort, outSocket)
}

func xmlDoc(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, body)
	}
}

// forward exposes targetIP:port on ip:port: the real server answers, the
// host name is another.
func forward(t *testing.T, ip string, port int, targetIP string) {
	t.Helper()
	ln := listen(t, net.JoinHostPort(ip, strconv.Itoa(port)))
	target := net.JoinHostPort(targetIP, strconv.Itoa(port))
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.DialTimeout("tcp", target, 5*time.Second)
				if err != nil {
					return
				}
				defer u.Close()
				var wg sync.WaitGroup
				wg.Add(1)
				go func() { defer wg.Done(); io.Copy(u, c); u.(*net.TCPConn).CloseWrite() }()
				io.Copy(c, u)
				c.(*net.TCPConn).CloseWrite()
				wg.Wait()
			}()
		}
	}()
}

func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// startNoSTARTTLSIMAP is an IMAP server that advertises STARTTLS and
// answers it NO, as a Dovecot whose certificate cannot be read does; a
// script, because a real Dovecot with a broken certificate does not start.
func startNoSTARTTLSIMAP(t *testing.T, addr string) {
	ln := listen(t, addr)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					f := strings.Fields(line)
					if len(f) < 2 {
						continue
					}
					switch strings.ToUpper(f[1]) {
					case "CAPABILITY":
						io.WriteString(c, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n"+f[0]+" OK done\r\n")
					case "STARTTLS":
						io.WriteString(c, f[0]+" NO [UNAVAILABLE] TLS support isn't enabled\r\n")
					case "LOGOUT":
						io.WriteString(c, "* BYE\r\n"+f[0]+" OK bye\r\n")
						return
					default:
						io.WriteString(c, f[0]+" BAD unknown\r\n")
					}
				}
			}()
		}
	}()
}

// startTarpit accepts connections and never says a word.
func startTarpit(t *testing.T, addr string) {
	ln := listen(t, addr)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
}

// scenarioJSON is what the table reads of discover's and test's JSON.
type scenarioJSON struct {
	Incoming, Outgoing struct {
		Status      string                        `json:"status"`
		Recommended *serverJSON                   `json:"recommended"`
		Candidates  []serverJSON                  `json:"candidates"`
		Servers     []struct{ Server serverJSON } `json:"servers"`
	}
	Findings []struct{ Code string } `json:"findings"`
}

type serverJSON struct {
	Protocol, Host, Security string
	Port                     int
}

func (s serverJSON) key() string {
	return fmt.Sprintf("%s %s:%d %s", s.Protocol, s.Host, s.Port, s.Security)
}

func TestVerdictScenarios(t *testing.T) {
	w := startWorld(t, withExtra(scenarioWorld()))
	for _, sc := range scenarios {
		t.Run(sc.Domain, func(t *testing.T) {
			args := []string{strings.Fields(sc.Command)[0], "alice@" + sc.Domain, "--format", "json",
				"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", w.ispdb, "--probe-timeout", "3s", "--timeout", "20s"}
			o := runOptions{hardKill: time.Minute}
			if strings.Contains(sc.Command, "--login") {
				args = append(args, "--login", "--password-stdin")
				o.stdin = "not-sent-anywhere\n"
				if sc.Domain == "clientip.test" {
					o.stdin = clientIPPassword + "\n"
				}
			}
			stdout, stderr, status, _ := runPostinoWith(t, o, args...)
			var got scenarioJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("exit %d, not JSON: %v\n%s\n%s", status, err, stdout, stderr)
			}
			var codes []string
			for _, f := range got.Findings {
				codes = append(codes, f.Code)
			}
			for _, s := range []struct {
				name string
				want want
				st   string
				rec  *serverJSON
				cs   []serverJSON
				srv  []struct{ Server serverJSON }
			}{
				{"incoming", sc.Incoming, got.Incoming.Status, got.Incoming.Recommended, got.Incoming.Candidates, got.Incoming.Servers},
				{"outgoing", sc.Outgoing, got.Outgoing.Status, got.Outgoing.Recommended, got.Outgoing.Candidates, got.Outgoing.Servers},
			} {
				chosen := ""
				switch {
				case s.rec != nil:
					chosen = s.rec.key()
				case len(s.srv) > 0:
					chosen = s.srv[0].Server.key()
				case len(s.cs) > 0:
					chosen = s.cs[0].key()
				}
				if s.st != s.want.Status || chosen != s.want.Chosen {
					t.Errorf("%s: %s, chose %q; want %s, %q", s.name, s.st, chosen, s.want.Status, s.want.Chosen)
				}
			}
			for _, c := range sc.Findings {
				if !slices.Contains(codes, c) {
					t.Errorf("findings %v lack %s", codes, c)
				}
			}
			for _, c := range sc.Absent {
				if slices.Contains(codes, c) {
					t.Errorf("findings %v hold %s, which this scenario must not give", codes, c)
				}
			}
			if t.Failed() {
				t.Logf("stderr:\n%s", stderr)
			}
			if testing.Verbose() {
				// The text form, for people reading the test log.
				text, _, _, _ := runPostinoWith(t, o, slices.Delete(slices.Clone(args), 2, 4)...)
				t.Logf("postino %s\n%s", strings.Join(args, " "), text)
			}
		})
	}
}

var updateScenarios = flag.Bool("update-scenarios", false, "rewrite docs/scenarios.md from the scenario table")

// TestScenarioDocInStep keeps docs/scenarios.md and the table in step.
func TestScenarioDocInStep(t *testing.T) {
	const path = "docs/scenarios.md"
	doc, err := os.ReadFile(path)
	if err != nil && !*updateScenarios {
		t.Fatal(err)
	}
	const begin, end = "<!-- scenarios:begin -->\n", "<!-- scenarios:end -->\n"
	var b strings.Builder
	b.WriteString(begin)
	b.WriteString("| rule | domain | command | setup | incoming | outgoing | findings | never |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, sc := range scenarios {
		side := func(w want) string { return w.Status + ": `" + w.Chosen + "`" }
		fmt.Fprintf(&b, "| %s | %s | `postino %s` | %s | %s | %s | %s | %s |\n", sc.Rule, sc.Domain, sc.Command, sc.Setup,
			side(sc.Incoming), side(sc.Outgoing), codeList(sc.Findings), codeList(sc.Absent))
	}
	b.WriteString(end)
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	want := s[:i] + b.String() + s[j+len(end):]
	if want == s {
		return
	}
	if *updateScenarios {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of step with the scenario table in e2e_scenarios_test.go: run go test -run TestScenarioDocInStep -update-scenarios", path)
}

func codeList(cs []string) string {
	if len(cs) == 0 {
		return ""
	}
	return "`" + strings.Join(cs, "`, `") + "`"
}
