#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: real Dovecot
# (IMAP, POP3) and Postfix for the end-to-end tests, xmllint for schema
# checks, Prometheus (promtool, and a real scraper for postino serve), zsh,
# fish and man-db for the shell completion and man page tests. The
# system services are stopped at once: the tests start their own instances
# on 127.x addresses and the packaged ones would hold the ports.
set -euo pipefail

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-core dovecot-imapd dovecot-pop3d)
command -v postfix >/dev/null 2>&1 || need+=(postfix)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
# promtool checks check's Prometheus output; prometheus scrapes postino serve.
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
# The completion tests type into real bash, zsh and fish; man renders the man page.
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v man >/dev/null 2>&1 || need+=(man-db)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: need root to apt-get install ${need[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Postfix asks how to configure itself; "No configuration" leaves main.cf to us.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string postino.test" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Whatever the packages started, stop it: our tests run their own servers.
for svc in dovecot postfix prometheus prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
  service "$svc" stop >/dev/null 2>&1 || true
done
pkill -x dovecot 2>/dev/null || true
pkill -f '/usr/lib/postfix/sbin/master' 2>/dev/null || true
exit 0
