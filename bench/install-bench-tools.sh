#!/bin/sh
# Installs what the comparison benchmark (bench/compare-plugins.sh,
# BenchmarkTestVsPlugins) runs besides postino: the Debian monitoring
# plugins (check_imap, check_pop, check_smtp), swaks with the Perl TLS
# modules it needs for --tls and --tlsc (a recommendation only, so not
# installed with --no-install-recommends), hyperfine, and Dovecot and
# Postfix for the real servers. Run as root. Benchmarks are not
# part of the test command: nothing else installs these.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "install-bench-tools.sh: run as root" >&2
	exit 3
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure itself: not at all (the benchmark writes
# its own configuration).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update
apt-get install -y --no-install-recommends \
	monitoring-plugins-basic monitoring-plugins-standard hyperfine \
	swaks libnet-ssleay-perl libio-socket-ssl-perl \
	dovecot-core dovecot-imapd dovecot-pop3d postfix
# Installing may start the system's Dovecot and Postfix, which would hold
# the mail ports on every address; the benchmark starts its own.
for s in dovecot postfix; do
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$s" 2>/dev/null; then
		systemctl stop "$s" || true
	elif command -v service >/dev/null 2>&1; then
		service "$s" stop >/dev/null 2>&1 || true
	fi
done
