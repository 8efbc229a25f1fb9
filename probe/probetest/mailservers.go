package probetest

// Real Dovecot and Postfix for end-to-end tests. This file holds the public
// API and the process handling; dovecot.go and postfix.go write the
// configurations and start each daemon.
//
// Both run as children of the test binary, as root, from configurations
// generated into MailServerOptions.Dir, and listen only on the given
// 127.x.y.z addresses at the standard ports. Every daemon master gets its
// own process group (so stopping reaches all its children) and a guard
// process that stops it if the test binary dies without cleaning up.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The standard ports the mail servers listen on, on every address. Read
// only.
var (
	DovecotPorts = []int{143, 993, 110, 995} // IMAP (STARTTLS), IMAPS, POP3 (STLS), POP3S
	PostfixPorts = []int{25, 587, 465}       // SMTP, submission (STARTTLS required), submissions (TLS)
)

// MailInstallHint says how to install what StartMailServers needs (Debian).
const MailInstallHint = "sudo scripts/install-deps.sh (or: DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-core dovecot-imapd dovecot-pop3d postfix, with debconf postfix/main_mailer_type preseeded to \"No configuration\")"

// ErrMailAddrInUse is wrapped by the errors of StartMailServers and
// StartPostfix when one of the address:port pairs is taken (another
// instance, a system daemon); a caller may retry on other addresses.
var ErrMailAddrInUse = errors.New("mail server address already in use")

// mailStartTimeout bounds how long a daemon may take to open its ports,
// and how long stopping one may take.
const mailStartTimeout = 20 * time.Second

// MailUser is a mailbox both servers know: Address (local@domain) is the
// login name and the mail address; mail to it lands in its Maildir.
type MailUser struct{ Address, Password string }

// MailServerOptions configures StartMailServers.
type MailServerOptions struct {
	// Dir is the working directory for configurations, Maildirs, the
	// Postfix queue and the logs (dovecot.log, postfix.log, and *.out for
	// what the daemons print before their logs are open); required. The
	// daemons' users (postfix, dovecot, dovenull, mail) must be able to
	// traverse it: ancestors under os.TempDir() lacking o+x (t.TempDir's
	// 0700 parent) get it; others are an error.
	Dir string
	// Addrs are the IPv4 loopback addresses (127.0.0.0/8) to serve on, all
	// at the standard ports (DovecotPorts, PostfixPorts). Nothing listens
	// anywhere else.
	Addrs []string
	// CertFile and KeyFile are the PEM certificate chain (leaf first) and
	// key presented by every TLS listener of both servers; they are
	// copied into Dir at start.
	CertFile, KeyFile string
	// Users are the mailboxes; their domains become Postfix virtual
	// mailbox domains, delivered into the Maildirs Dovecot serves.
	Users []MailUser
	// Hostname is Postfix's myhostname (banner, EHLO reply); empty means
	// "mail." + the first user's domain.
	Hostname string
	// RelayRefusingAddr, when set, is one more IPv4 loopback address
	// where Postfix alone serves submission on RelayPorts (587 STARTTLS,
	// 465 implicit TLS) without AUTH, refusing to relay: its mynetworks
	// (192.0.2.0/24) holds no loopback client, so RCPT TO another domain
	// gets "554 5.7.1 <…>: Relay access denied" (relays.go).
	RelayRefusingAddr string
	// RelayingAddr is the same without AUTH, but relaying for
	// mynetworks = 127.0.0.0/8: the access provider's relay that takes
	// mail from the customer's line without login (client-IP-address).
	// It accepts RCPT TO another domain; nothing is ever delivered.
	RelayingAddr string
}

// MailServers is a running Dovecot (IMAP, POP3) and Postfix (SMTP on 25,
// submission on 587 and 465 with SASL through Dovecot, delivery into the
// users' Maildirs).
type MailServers struct {
	o      MailServerOptions // normalized: absolute paths, Hostname set
	cfg    string            // Dir as written into the configurations: Dir, or an alias of it
	tmp    string            // private temp dir (short socket paths, the alias), removed by Close
	runDir string            // Dovecot's base_dir
	ids    mailIDs

	mu      sync.Mutex
	dovecot *mailProc
	postfix *mailProc
	pgids   []int // process groups of every master we started
	closed  bool
}

type mailIDs struct {
	mailUID, mailGID int // owner of the Maildirs (Debian's "mail" user)
	postfixUID       int
	postfixGID       int
	postdropGID      int
	dovecotGID       int
}

// Dir is the working directory.
func (m *MailServers) Dir() string { return m.o.Dir }

// DovecotLog is the path of Dovecot's log file.
func (m *MailServers) DovecotLog() string { return filepath.Join(m.o.Dir, "dovecot.log") }

// PostfixLog is the path of Postfix's log file.
func (m *MailServers) PostfixLog() string { return filepath.Join(m.o.Dir, "postfix.log") }

// MailServersAvailable reports whether Dovecot and Postfix can run here:
// installed, and we are root (standard ports, the daemons' users). The
// error says what is missing.
func MailServersAvailable() error {
	var missing []string
	for _, bin := range []string{"dovecot", "postconf"} {
		if _, err := mailLookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	for _, f := range []string{"/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3"} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if _, err := mailPostfixMaster(); err != nil {
		missing = append(missing, "postfix master daemon")
	}
	if len(missing) > 0 {
		return fmt.Errorf("Dovecot/Postfix not installed (missing %s); install with: %s", strings.Join(missing, ", "), MailInstallHint)
	}
	if os.Geteuid() != 0 {
		return errors.New("real Dovecot and Postfix need root (standard ports, switching to the mail users)")
	}
	return nil
}

// RequireMailServers skips the test when Dovecot and Postfix cannot run
// here, naming the install command; with CI=true it fails instead.
func RequireMailServers(t testing.TB) {
	t.Helper()
	if err := MailServersAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: %v", err)
		}
		t.Skip(err)
	}
}

// StartMailServersT starts the servers for a test and closes them in
// t.Cleanup, first logging the daemons' logs if the test failed. When the
// servers cannot run here the test is skipped, or fails with CI=true (see
// RequireMailServers).
func StartMailServersT(t testing.TB, o MailServerOptions) *MailServers {
	t.Helper()
	RequireMailServers(t)
	m, err := StartMailServers(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of %s:\n%s", m.DovecotLog(), mailTail(m.DovecotLog(), 50))
			t.Logf("last lines of %s:\n%s", m.PostfixLog(), mailTail(m.PostfixLog(), 50))
		}
		if err := m.Close(); err != nil {
			t.Errorf("closing mail servers: %v", err)
		}
	})
	return m
}

// StartMailServers starts Dovecot, then Postfix, and returns once every
// address accepts TCP on every port (at most 20s each). On failure nothing
// is left running and the error carries the tail of the failing daemon's
// output and log.
func StartMailServers(o MailServerOptions) (_ *MailServers, err error) {
	if err := MailServersAvailable(); err != nil {
		return nil, err
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	for _, p := range []*string{&o.Dir, &o.CertFile, &o.KeyFile} {
		if *p, err = filepath.Abs(*p); err != nil {
			return nil, err
		}
	}
	if o.Hostname == "" {
		o.Hostname = "mail.postino.test"
		if len(o.Users) > 0 {
			o.Hostname = "mail." + o.mailDomains()[0]
		}
	}
	m := &MailServers{o: o, cfg: o.Dir}
	if m.ids, err = mailLookupIDs(); err != nil {
		return nil, err
	}
	// Refuse to start where something already listens: the readiness
	// check would be fooled by it.
	var busy []string
	for _, a := range o.Addrs {
		for _, p := range mailAllPorts() {
			if mailDialOK(a, p) {
				busy = append(busy, net.JoinHostPort(a, strconv.Itoa(p)))
			}
		}
	}
	for _, a := range o.relayAddrs() {
		for _, p := range RelayPorts {
			if mailDialOK(a, p) {
				busy = append(busy, net.JoinHostPort(a, strconv.Itoa(p)))
			}
		}
	}
	if len(busy) > 0 {
		return nil, fmt.Errorf("%w: something already listens on %s (a system dovecot or postfix? scripts/install-deps.sh stops them)", ErrMailAddrInUse, strings.Join(busy, ", "))
	}

	if err := mailMakeTraversable(o.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chmod(o.Dir, 0o755); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	// Dovecot's sockets live in base_dir and a unix socket path holds at
	// most 107 bytes; the longest name below base_dir is about 30. And
	// the configurations cannot quote every character a path may hold.
	// So a long Dir gets a short private base_dir, and a Dir with unusual
	// characters a plain alias (a symlink), both in a private temp dir.
	m.runDir = filepath.Join(o.Dir, "run")
	plain := mailPlainPath.MatchString(o.Dir)
	if !plain || len(m.runDir) > 70 {
		if m.tmp, err = os.MkdirTemp("", "pmail"); err != nil {
			return nil, err
		}
		if err := os.Chmod(m.tmp, 0o755); err != nil {
			return nil, err
		}
		m.runDir = filepath.Join(m.tmp, "run")
		if !plain {
			m.cfg = filepath.Join(m.tmp, "d")
			if err := os.Symlink(o.Dir, m.cfg); err != nil {
				return nil, err
			}
		}
	}
	if err := m.writeCommon(); err != nil {
		return nil, err
	}
	if err := m.writeDovecotConfig(); err != nil {
		return nil, err
	}
	if err := m.writePostfixConfig(); err != nil {
		return nil, err
	}
	if err := m.startDovecot(); err != nil {
		return nil, err
	}
	if mailHookBeforePostfix != nil {
		mailHookBeforePostfix(m)
	}
	if err := m.StartPostfix(); err != nil {
		return nil, err
	}
	return m, nil
}

// mailHookBeforePostfix, if set, runs between starting Dovecot and
// Postfix (tests of the failure path).
var mailHookBeforePostfix func(*MailServers)

// mailPlainPath matches the paths the configurations can hold as they are.
var mailPlainPath = regexp.MustCompile(`^[A-Za-z0-9/._+@-]+$`)

func mailAllPorts() []int { return append(slices.Clone(DovecotPorts), PostfixPorts...) }

func (o *MailServerOptions) check() error {
	if o.Dir == "" {
		return errors.New("mail servers: Dir is required")
	}
	if len(o.Addrs) == 0 {
		return errors.New("mail servers: no Addrs")
	}
	for _, a := range append(slices.Clone(o.Addrs), o.relayAddrs()...) {
		ip := net.ParseIP(a)
		if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
			return fmt.Errorf("mail servers: address %q is not an IPv4 loopback address (127.0.0.0/8)", a)
		}
	}
	if o.RelayRefusingAddr != "" && o.RelayRefusingAddr == o.RelayingAddr || slices.Contains(o.Addrs, o.RelayRefusingAddr) || slices.Contains(o.Addrs, o.RelayingAddr) {
		return errors.New("mail servers: RelayRefusingAddr and RelayingAddr need addresses of their own")
	}
	if o.CertFile == "" || o.KeyFile == "" {
		return errors.New("mail servers: CertFile and KeyFile are required")
	}
	seen := map[string]bool{}
	for _, u := range o.Users {
		local, domain, _ := strings.Cut(u.Address, "@")
		if local == "" || domain == "" || !mailPlainAddress.MatchString(u.Address) {
			return fmt.Errorf("mail servers: user address %q is not local@domain in plain ASCII", u.Address)
		}
		if u.Password == "" || strings.ContainsAny(u.Password, "\r\n\x00") {
			return fmt.Errorf("mail servers: password of %q is empty or holds CR, LF or NUL", u.Address)
		}
		a := strings.ToLower(u.Address)
		if seen[a] {
			return fmt.Errorf("mail servers: user %q twice", u.Address)
		}
		seen[a] = true
	}
	if o.Hostname != "" && !mailPlainHostname.MatchString(o.Hostname) {
		return fmt.Errorf("mail servers: Hostname %q is not a plain DNS name", o.Hostname)
	}
	return nil
}

var mailPlainHostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

var mailPlainAddress = regexp.MustCompile(`^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$`)

// mailDomains are the users' domains, lower case, in order, once each.
func (o *MailServerOptions) mailDomains() []string {
	var ds []string
	for _, u := range o.Users {
		_, d, _ := strings.Cut(strings.ToLower(u.Address), "@")
		if !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// mailLookPath finds a binary in PATH or the sbin directories, which a
// non-login root shell may lack in PATH.
func mailLookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

func mailLookupIDs() (mailIDs, error) {
	var ids mailIDs
	get := func(name string) (int, int, error) {
		u, err := user.Lookup(name)
		if err != nil {
			return 0, 0, fmt.Errorf("mail servers: system user %q: %w (installed by the Debian packages: %s)", name, err, MailInstallHint)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return uid, gid, nil
	}
	var err error
	if ids.mailUID, ids.mailGID, err = get("mail"); err != nil {
		return ids, err
	}
	if ids.postfixUID, ids.postfixGID, err = get("postfix"); err != nil {
		return ids, err
	}
	if _, ids.dovecotGID, err = get("dovecot"); err != nil {
		return ids, err
	}
	if _, _, err = get("dovenull"); err != nil {
		return ids, err
	}
	g, err := user.LookupGroup("postdrop")
	if err != nil {
		return ids, fmt.Errorf("mail servers: group postdrop: %w", err)
	}
	ids.postdropGID, _ = strconv.Atoi(g.Gid)
	return ids, nil
}

// mailMakeTraversable makes sure the daemons' users can reach dir: every
// existing ancestor needs o+x. Ancestors inside the temp directory get it;
// anything else is an error rather than a surprising chmod.
func mailMakeTraversable(dir string) error {
	tmp, _ := filepath.Abs(os.TempDir())
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o001 == 0 {
			if !strings.HasPrefix(p, tmp+string(filepath.Separator)) {
				return fmt.Errorf("mail servers: %s is not traversable by others (o+x); the postfix, dovecot and mail users must reach %s", p, dir)
			}
			if err := os.Chmod(p, fi.Mode().Perm()|0o001); err != nil {
				return err
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// writeCommon copies the certificate and key in and makes the Maildir
// tree, owned by the mail user whom both Dovecot and virtual(8) run as.
func (m *MailServers) writeCommon() error {
	tlsDir := filepath.Join(m.o.Dir, "tls")
	if err := os.MkdirAll(tlsDir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		from, to string
		mode     os.FileMode
	}{{m.o.CertFile, "cert.pem", 0o644}, {m.o.KeyFile, "key.pem", 0o600}} {
		b, err := os.ReadFile(f.from)
		if err != nil {
			return fmt.Errorf("mail servers: %w", err)
		}
		if err := mailWriteFile(filepath.Join(tlsDir, f.to), string(b), f.mode); err != nil {
			return err
		}
	}
	mk := func(p string) error {
		if err := os.MkdirAll(p, 0o770); err != nil {
			return err
		}
		return os.Chown(p, m.ids.mailUID, m.ids.mailGID)
	}
	base := filepath.Join(m.o.Dir, "mail")
	if err := mk(base); err != nil {
		return err
	}
	for _, u := range m.o.Users {
		local, domain, _ := strings.Cut(strings.ToLower(u.Address), "@")
		if err := mk(filepath.Join(base, domain)); err != nil {
			return err
		}
		if err := mk(filepath.Join(base, domain, local)); err != nil {
			return err
		}
	}
	return nil
}

// cfgPath is a path inside Dir as the configurations name it.
func (m *MailServers) cfgPath(elem ...string) string {
	return filepath.Join(append([]string{m.cfg}, elem...)...)
}

// Close stops Postfix and Dovecot, makes sure none of their processes are
// left, and removes the private temp dir. Dir stays for inspection.
func (m *MailServers) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	var errs []error
	if m.postfix != nil {
		errs = append(errs, m.postfix.stop())
		m.postfix = nil
	}
	if m.dovecot != nil {
		errs = append(errs, m.dovecot.stop())
		m.dovecot = nil
	}
	if m.tmp != "" {
		errs = append(errs, os.RemoveAll(m.tmp))
	}
	return errors.Join(errs...)
}

// Processes lists the live processes of these servers: members of the
// process groups of the masters started, and anything whose command line
// names Dir. After Close there are none.
func (m *MailServers) Processes() []string {
	m.mu.Lock()
	pgids := slices.Clone(m.pgids)
	m.mu.Unlock()
	var found []string
	for _, p := range mailProcs() {
		if slices.Contains(pgids, p.pgrp) || strings.Contains(p.cmdline, m.o.Dir) || strings.Contains(p.cmdline, m.cfg) {
			found = append(found, fmt.Sprintf("%d: %s", p.pid, p.cmdline))
		}
	}
	return found
}

func (m *MailServers) addPgid(pgid int) {
	m.mu.Lock()
	m.pgids = append(m.pgids, pgid)
	m.mu.Unlock()
}

// mailProc is a daemon's master process, leader of its own process group.
type mailProc struct {
	name string
	cmd  *exec.Cmd
	logs []string      // files whose tails explain a failure
	done chan struct{} // closed when the master has exited and been reaped
	err  error         // its exit status, valid after done

	guard      *exec.Cmd // see mailGuardScript
	guardPipe  *os.File  // write end of the guard's pipe
	disarmOnce sync.Once
}

// mailGuardScript is the guard process next to each master: when its pipe
// (fd 3) reaches EOF, which happens only when the test binary has died,
// however abruptly, since we hold the write end, it sends SIGTERM to the
// master ($0) so that nothing outlives the tests. It is our child, not the
// master's: a master reaping a child it did not start complains (Dovecot)
// or panics (Postfix). Pdeathsig cannot do this job: the kernel clears it
// when Postfix's master changes credentials.
const mailGuardScript = `trap '' INT HUP QUIT TERM; read _ <&3; kill -TERM "$0" 2>/dev/null`

// mailStartProc starts argv as a daemon master in a new process group,
// with stdout and stderr appended to outPath, and its guard.
func mailStartProc(name string, argv, env []string, outPath string, logs []string) (*mailProc, error) {
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	p := &mailProc{name: name, logs: append([]string{outPath}, logs...), done: make(chan struct{}), guardPipe: pw}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Dir = "/"
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = out, out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		pw.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, argv[0], err)
	}
	// The guard gets its own process group too, so that a terminal's ^C
	// (sent to the test's group) cannot end it before it does its job.
	p.guard = exec.Command("/bin/sh", "-c", mailGuardScript, strconv.Itoa(p.cmd.Process.Pid))
	p.guard.Dir = "/"
	p.guard.ExtraFiles = []*os.File{pr}
	p.guard.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.guard.Start(); err != nil {
		p.guard = nil
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Wait()
		pw.Close()
		return nil, fmt.Errorf("%s: start guard: %w", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		// Disarm before anything could reuse the pid the guard holds.
		p.disarm()
		close(p.done)
	}()
	return p, nil
}

// disarm ends the guard without letting it fire.
func (p *mailProc) disarm() {
	p.disarmOnce.Do(func() {
		if p.guard != nil {
			_ = p.guard.Process.Kill()
			_ = p.guard.Wait()
		}
		p.guardPipe.Close()
	})
}

// waitListening waits until the master holds a listening socket on every
// addr:port, which then accepts TCP, failing early when the master exits.
// A socket of the master's, not a connection that succeeds: someone else
// listening there must not pass for the daemon.
func (p *mailProc) waitListening(addrs []string, ports []int) error {
	deadline := time.Now().Add(mailStartTimeout)
	for {
		owned := mailListeners(p.cmd.Process.Pid)
		var missing string
		for _, a := range addrs {
			for _, port := range ports {
				if ap := net.JoinHostPort(a, strconv.Itoa(port)); !owned[ap] && missing == "" {
					missing = ap
				}
			}
		}
		if missing == "" {
			return nil
		}
		select {
		case <-p.done:
			what := fmt.Sprintf("exited (%v) before listening on %s", p.err, missing)
			// Postfix's master logs a failed bind to syslog only, so
			// look for taken ports ourselves (its own are closed now).
			if taken := mailTaken(addrs, ports); len(taken) > 0 {
				what += "; " + strings.Join(taken, "; ")
			}
			return p.failure(what)
		default:
		}
		if time.Now().After(deadline) {
			return p.failure(fmt.Sprintf("not listening on %s after %v", missing, mailStartTimeout))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mailTaken lists the addr:port pairs that cannot be bound because
// another socket holds them.
func mailTaken(addrs []string, ports []int) []string {
	var taken []string
	for _, a := range addrs {
		for _, port := range ports {
			ln, err := net.Listen("tcp4", net.JoinHostPort(a, strconv.Itoa(port)))
			if err != nil {
				if errors.Is(err, syscall.EADDRINUSE) {
					taken = append(taken, err.Error())
				}
				continue
			}
			ln.Close()
		}
	}
	return taken
}

// mailListeners are the IPv4 TCP addr:port pairs that process pid has a
// listening socket on, from /proc/PID/fd and /proc/net/tcp.
func mailListeners(pid int) map[string]bool {
	inodes := map[string]bool{}
	fdDir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	fds, _ := os.ReadDir(fdDir)
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	found := map[string]bool{}
	if len(inodes) == 0 {
		return found
	}
	tcp, _ := os.ReadFile("/proc/net/tcp")
	for _, line := range strings.Split(string(tcp), "\n")[1:] {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
			continue
		}
		hexIP, hexPort, ok := strings.Cut(f[1], ":")
		ip, err1 := strconv.ParseUint(hexIP, 16, 32)
		port, err2 := strconv.ParseUint(hexPort, 16, 16)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		// The address is a 32-bit word in host byte order.
		var b [4]byte
		binary.NativeEndian.PutUint32(b[:], uint32(ip))
		found[net.JoinHostPort(net.IP(b[:]).String(), strconv.Itoa(int(port)))] = true
	}
	return found
}

// failure is an error saying what went wrong, with the tails of the
// daemon's output and log.
func (p *mailProc) failure(what string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.name, what)
	for _, f := range p.logs {
		if t := mailTail(f, 25); t != "" {
			fmt.Fprintf(&b, "\n--- last lines of %s ---\n%s", f, t)
		}
	}
	if strings.Contains(b.String(), "Address already in use") || strings.Contains(b.String(), syscall.EADDRINUSE.Error()) {
		return fmt.Errorf("%w: %s", ErrMailAddrInUse, b.String())
	}
	return errors.New(b.String())
}

// stop sends SIGTERM to the master and waits for it, then kills whatever
// is left in its process group and waits until the group is empty.
func (p *mailProc) stop() error {
	pgid := p.cmd.Process.Pid
	p.disarm()
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(mailStartTimeout):
			// Hung: the whole group goes. The master is not reaped yet,
			// so the group id is still ours.
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
	}
	// The masters end their children themselves; stragglers are killed
	// with the group, signalled only while it has members so its id
	// cannot have been recycled.
	deadline := time.Now().Add(mailStartTimeout)
	for {
		var left []string
		for _, q := range mailProcs() {
			if q.pgrp == pgid {
				left = append(left, fmt.Sprintf("%d: %s", q.pid, q.cmdline))
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: processes still running in group %d: %s", p.name, pgid, strings.Join(left, "; "))
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		time.Sleep(20 * time.Millisecond)
	}
}

type mailProcInfo struct {
	pid, pgrp int
	cmdline   string
}

// mailProcs lists the live (not zombie) processes from /proc.
func mailProcs() []mailProcInfo {
	ents, _ := os.ReadDir("/proc")
	var ps []mailProcInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid pgrp ...": comm may hold spaces and parens.
		i := strings.LastIndexByte(string(st), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		pgrp, _ := strconv.Atoi(f[2])
		cl, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		ps = append(ps, mailProcInfo{pid: pid, pgrp: pgrp, cmdline: strings.TrimSpace(strings.ReplaceAll(string(cl), "\x00", " "))})
	}
	return ps
}

func mailDialOK(addr string, port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// mailWaitClosed waits until no addr:port accepts TCP any more.
func mailWaitClosed(addrs []string, ports []int) error {
	deadline := time.Now().Add(mailStartTimeout)
	for _, a := range addrs {
		for _, port := range ports {
			for mailDialOK(a, port) {
				if time.Now().After(deadline) {
					return fmt.Errorf("%s:%d still accepts connections", a, port)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	return nil
}

// mailTail returns the last n lines of a file (at most its last 64 KiB).
func mailTail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 64<<10 {
		f.Seek(-64<<10, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// mailWriteFile writes a generated file with the given mode, dated a minute
// back: Postfix re-reads a main.cf changed within the last second every
// 300ms until it has "cooled down", which would cost every fresh start
// about two seconds.
func mailWriteFile(path, data string, mode os.FileMode) error {
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		return err
	}
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	past := time.Now().Add(-time.Minute)
	return os.Chtimes(path, past, past)
}
