package probetest

// Real Dovecot and Postfix for end-to-end tests: this file holds the public
// API and the process handling shared by dovecot.go and postfix.go.

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The standard ports the mail servers listen on, on every address.
var (
	DovecotPorts = []int{143, 993, 110, 995} // IMAP+STARTTLS, IMAPS, POP3+STLS, POP3S
	PostfixPorts = []int{25, 587, 465}       // SMTP, submission (STARTTLS), submissions (TLS)
)

// MailInstallHint is the command that installs what StartMailServers needs
// on Debian.
const MailInstallHint = "sudo scripts/install-deps.sh  (or: DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-core dovecot-imapd dovecot-pop3d postfix, with postfix/main_mailer_type preseeded to \"No configuration\")"

// ErrMailAddrInUse is wrapped by the errors of StartMailServers and
// StartPostfix when one of the addresses is taken (another instance, a
// system daemon); a caller may retry on other addresses.
var ErrMailAddrInUse = errors.New("mail server address already in use")

// mailStartTimeout bounds how long a daemon may take to open its ports.
const mailStartTimeout = 20 * time.Second

// MailUser is a mailbox both servers know: Address is the login name and
// the mail address (local@domain); mail to it is delivered into its Maildir.
type MailUser struct{ Address, Password string }

// MailServerOptions configures StartMailServers.
type MailServerOptions struct {
	// Dir is the working directory (configs, maildirs, queue, logs);
	// required. The daemons' unprivileged users must be able to traverse
	// it: ancestors under os.TempDir() (t.TempDir's 0700 parent) are made
	// traversable (o+x) automatically.
	Dir string
	// Addrs are the 127.x.y.z addresses to serve on, all at the standard
	// ports (DovecotPorts, PostfixPorts). Nothing listens anywhere else.
	Addrs []string
	// CertFile and KeyFile are the PEM chain (leaf first) and key, used by
	// every TLS listener of both servers.
	CertFile, KeyFile string
	// Users are the mailboxes, their domains become Postfix virtual
	// mailbox domains.
	Users []MailUser
	// Hostname is Postfix's myhostname (SMTP banner, EHLO name); empty means
	// "mail." + the first user's domain.
	Hostname string
}

// MailServers is a running Dovecot (IMAP, POP3) and Postfix (SMTP,
// submission with SASL through Dovecot, delivery into the users' Maildirs
// which Dovecot serves).
type MailServers struct {
	o      MailServerOptions
	runDir string // Dovecot base_dir (short: unix socket paths are limited)
	ownRun bool   // runDir is a separate temp dir we remove on Close
	mailID mailIDs

	mu      sync.Mutex
	dovecot *mailProc
	postfix *mailProc
	closed  bool
}

type mailIDs struct {
	mailUID, mailGID       int // owner of the maildirs (Debian "mail")
	postfixUID, postfixGID int
	postdropGID            int
	dovecotGID             int
}

// Dir is the working directory.
func (m *MailServers) Dir() string { return m.o.Dir }

// DovecotLog is the path of Dovecot's log file.
func (m *MailServers) DovecotLog() string { return filepath.Join(m.o.Dir, "dovecot.log") }

// PostfixLog is the path of Postfix's log file.
func (m *MailServers) PostfixLog() string { return filepath.Join(m.o.Dir, "postfix.log") }

// Maildir is the Maildir of the user with address addr.
func (m *MailServers) Maildir(addr string) string {
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	return filepath.Join(m.o.Dir, "mail", domain, local, "Maildir")
}

// MailServersAvailable reports whether Dovecot and Postfix are installed
// and we are root (needed for the standard ports and the daemons' users);
// the error says what is missing.
func MailServersAvailable() error {
	var missing []string
	for _, bin := range []string{"dovecot", "postfix", "postconf"} {
		if _, err := mailLookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	for _, f := range []string{"/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3"} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("mail servers not installed (missing %s); install with: %s", strings.Join(missing, ", "), MailInstallHint)
	}
	if os.Geteuid() != 0 {
		return errors.New("real Dovecot and Postfix need root (standard ports, dropping to the mail users)")
	}
	return nil
}

// mailLookPath finds a binary in PATH or the sbin directories, which a
// non-login root shell may lack in PATH.
func mailLookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// RequireMailServers skips the test when Dovecot and Postfix cannot run
// here (not installed, not root), naming the install command; with CI=true
// it fails instead.
func RequireMailServers(t testing.TB) {
	t.Helper()
	if err := MailServersAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: %v", err)
		}
		t.Skip(err)
	}
}

// StartMailServersT starts the servers for a test and stops them in
// t.Cleanup. If the servers cannot run here the test is skipped, or fails
// when CI=true (see RequireMailServers).
func StartMailServersT(t testing.TB, o MailServerOptions) *MailServers {
	t.Helper()
	RequireMailServers(t)
	m, err := StartMailServers(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("closing mail servers: %v", err)
		}
	})
	return m
}

// StartMailServers starts Dovecot, then Postfix, and returns once every
// address accepts TCP on every port. On failure nothing is left running and
// the error carries the tail of the failing daemon's log.
func StartMailServers(o MailServerOptions) (_ *MailServers, err error) {
	if err := MailServersAvailable(); err != nil {
		return nil, err
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	o.Dir = dir
	if o.CertFile, err = filepath.Abs(o.CertFile); err != nil {
		return nil, err
	}
	if o.KeyFile, err = filepath.Abs(o.KeyFile); err != nil {
		return nil, err
	}
	if o.Hostname == "" {
		o.Hostname = "mail.postino.test"
		if len(o.Users) > 0 {
			_, d, _ := strings.Cut(strings.ToLower(o.Users[0].Address), "@")
			o.Hostname = "mail." + d
		}
	}
	m := &MailServers{o: o}
	if m.mailID, err = mailLookupIDs(); err != nil {
		return nil, err
	}
	// Refuse to start if anything already listens where we would: the
	// readiness check would otherwise be fooled by the other server.
	var busy []string
	for _, a := range o.Addrs {
		for _, p := range append(append([]int{}, DovecotPorts...), PostfixPorts...) {
			if mailDialOK(a, p) {
				busy = append(busy, net.JoinHostPort(a, strconv.Itoa(p)))
			}
		}
	}
	if len(busy) > 0 {
		return nil, fmt.Errorf("%w: something already listens on %s (a system dovecot/postfix? stop it: scripts/install-deps.sh does)", ErrMailAddrInUse, strings.Join(busy, ", "))
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
	// Dovecot's sockets live in base_dir; sun_path holds 107 bytes, and
	// the longest name below base_dir is about 30, so a long Dir gets a
	// short private run directory instead.
	m.runDir = filepath.Join(o.Dir, "run")
	if len(m.runDir) > 70 {
		if m.runDir, err = os.MkdirTemp("", "pmail"); err != nil {
			return nil, err
		}
		m.ownRun = true
		if err := os.Chmod(m.runDir, 0o755); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.writeMaildirs(); err != nil {
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
	if err := m.StartPostfix(); err != nil {
		return nil, err
	}
	return m, nil
}

func (o *MailServerOptions) check() error {
	if o.Dir == "" {
		return errors.New("mail servers: Dir is required")
	}
	if len(o.Addrs) == 0 {
		return errors.New("mail servers: no Addrs")
	}
	for _, a := range o.Addrs {
		ip := net.ParseIP(a)
		if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
			return fmt.Errorf("mail servers: address %q is not an IPv4 loopback address (127.0.0.0/8)", a)
		}
	}
	if o.CertFile == "" || o.KeyFile == "" {
		return errors.New("mail servers: CertFile and KeyFile are required")
	}
	for _, p := range []string{o.Dir, o.CertFile, o.KeyFile} {
		if strings.ContainsAny(p, " \t\r\n\"'#,=<>{}$\\") {
			return fmt.Errorf("mail servers: path %q has characters the generated configs cannot hold", p)
		}
	}
	seen := map[string]bool{}
	for _, u := range o.Users {
		local, domain, ok := strings.Cut(u.Address, "@")
		if !ok || local == "" || domain == "" || strings.ContainsAny(u.Address, " \t\r\n:/\\#,\"'") || strings.Count(u.Address, "@") != 1 {
			return fmt.Errorf("mail servers: bad user address %q", u.Address)
		}
		if strings.ContainsAny(u.Password, "\r\n\x00") || u.Password == "" {
			return fmt.Errorf("mail servers: bad password for %q", u.Address)
		}
		if seen[strings.ToLower(u.Address)] {
			return fmt.Errorf("mail servers: user %q twice", u.Address)
		}
		seen[strings.ToLower(u.Address)] = true
	}
	return nil
}

// mailDomains are the users' domains, lower case, in order, once each.
func (o *MailServerOptions) mailDomains() []string {
	var ds []string
	seen := map[string]bool{}
	for _, u := range o.Users {
		_, d, _ := strings.Cut(strings.ToLower(u.Address), "@")
		if !seen[d] {
			seen[d] = true
			ds = append(ds, d)
		}
	}
	return ds
}

func mailLookupIDs() (mailIDs, error) {
	var ids mailIDs
	get := func(name string) (int, int, error) {
		u, err := user.Lookup(name)
		if err != nil {
			return 0, 0, fmt.Errorf("mail servers: system user %q: %w (is %s installed?)", name, err, MailInstallHint)
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
// existing ancestor needs o+x. Ancestors inside the temp directory get it
// added; anything else is an error rather than a surprise chmod.
func mailMakeTraversable(dir string) error {
	tmp, _ := filepath.Abs(os.TempDir())
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil && fi.Mode().Perm()&0o001 == 0 {
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

func (m *MailServers) writeMaildirs() error {
	base := filepath.Join(m.o.Dir, "mail")
	mk := func(p string) error {
		if err := os.MkdirAll(p, 0o770); err != nil {
			return err
		}
		return os.Chown(p, m.mailID.mailUID, m.mailID.mailGID)
	}
	if err := mk(base); err != nil {
		return err
	}
	for _, u := range m.o.Users {
		local, domain, _ := strings.Cut(strings.ToLower(u.Address), "@")
		for _, p := range []string{filepath.Join(base, domain), filepath.Join(base, domain, local)} {
			if err := mk(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close stops Postfix and Dovecot and makes sure none of their processes
// are left.
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
	if m.ownRun {
		errs = append(errs, os.RemoveAll(m.runDir))
	}
	return errors.Join(errs...)
}

// mailProc is one daemon's master process, started in its own process
// group (which it leads) so that stopping it can reach every child it
// leaves behind.
type mailProc struct {
	name string
	cmd  *exec.Cmd
	logs []string      // files whose tail explains a failure
	done chan struct{} // closed when the master has exited
	err  error         // its exit status, valid after done

	guard      *exec.Cmd // see mailGuardScript
	guardPipe  *os.File  // write end of the guard's pipe
	disarmOnce sync.Once
}

// mailGuardScript is a guard process next to each daemon: when its pipe
// (fd 3) reaches EOF, which happens only when the test binary has died,
// however abruptly, since we hold the write end, it sends SIGTERM to the
// daemon's master ($0) so that nothing outlives the tests. It is our child,
// not the master's: a master reaping an unknown child complains (Dovecot)
// or panics (Postfix). Pdeathsig cannot do this job: it is cleared when
// Postfix's master changes credentials, and tied to the forking thread.
const mailGuardScript = `trap '' INT HUP QUIT TERM; read _ <&3; kill -TERM "$0" 2>/dev/null`

// mailStartProc starts argv as a daemon master in a new process group, with
// stdout and stderr appended to outPath, and its guard.
func mailStartProc(name string, argv []string, env []string, outPath string, logs []string) (*mailProc, error) {
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	p := &mailProc{name: name, logs: append([]string{outPath}, logs...), done: make(chan struct{})}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = "/"
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd = cmd

	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	p.guardPipe = pw
	if err := cmd.Start(); err != nil {
		pw.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, argv[0], err)
	}
	// The guard has its own process group too, so a terminal's ^C (sent
	// to the test's group) cannot stop it before it does its job.
	p.guard = exec.Command("/bin/sh", "-c", mailGuardScript, strconv.Itoa(cmd.Process.Pid))
	p.guard.Dir = "/"
	p.guard.ExtraFiles = []*os.File{pr}
	p.guard.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.guard.Start(); err != nil {
		pw.Close()
		p.guard = nil
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s: start guard: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
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

// waitListening waits until every addr:port accepts TCP, failing early
// when the master exits.
func (p *mailProc) waitListening(addrs []string, ports []int) error {
	deadline := time.Now().Add(mailStartTimeout)
	for _, a := range addrs {
		for _, port := range ports {
			for !mailDialOK(a, port) {
				select {
				case <-p.done:
					return p.failure(fmt.Sprintf("exited (%v) before %s:%d accepted connections", p.err, a, port))
				default:
				}
				if time.Now().After(deadline) {
					return p.failure(fmt.Sprintf("%s:%d did not accept connections within %v", a, port, mailStartTimeout))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	return nil
}

func (p *mailProc) failure(what string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.name, what)
	for _, f := range p.logs {
		if t := mailTail(f, 25); t != "" {
			fmt.Fprintf(&b, "\n--- last lines of %s ---\n%s", f, t)
		}
	}
	if strings.Contains(b.String(), "Address already in use") {
		return fmt.Errorf("%w: %s", ErrMailAddrInUse, b.String())
	}
	return errors.New(b.String())
}

// stop sends SIGTERM to the master and waits for it (10s), then kills
// whatever is left in its process group and waits until the group is gone.
func (p *mailProc) stop() error {
	pgid := p.cmd.Process.Pid
	p.disarm()
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
		}
	}
	// The masters end their children themselves; whatever lingers (or all
	// of it, if the master hung) is killed with the group. The group is
	// only signalled while it has members, so its id cannot have been
	// recycled.
	select {
	case <-p.done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := mailGroupMembers(pgid)
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: processes still running in group %d: %v", p.name, pgid, left)
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		time.Sleep(20 * time.Millisecond)
	}
}

// mailGroupMembers lists the live (not zombie) processes in process group
// pgid, read from /proc.
func mailGroupMembers(pgid int) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parens.
		i := bytes.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// MailProcesses lists the live processes whose command line mentions dir
// (the daemons are started with their config under it): after Close there
// should be none.
func MailProcesses(dir string) []string {
	ents, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cl, []byte(dir)) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if i := bytes.LastIndexByte(st, ')'); i >= 0 && len(st) > i+2 && (st[i+2] == 'Z' || st[i+2] == 'X') {
				continue
			}
		}
		found = append(found, e.Name()+": "+strings.ReplaceAll(strings.TrimRight(string(cl), "\x00"), "\x00", " "))
	}
	return found
}

func mailDialOK(addr string, port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), 500*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// mailWaitClosed waits until no addr:port accepts TCP any more.
func mailWaitClosed(addrs []string, ports []int) error {
	deadline := time.Now().Add(10 * time.Second)
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

// mailTail returns the last n lines of a file.
func mailTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// mailWriteFile writes a config file readable by all (the daemons re-read
// some of them after dropping privileges) and owned by root.
func mailWriteFile(path string, data string, mode os.FileMode) error {
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}
