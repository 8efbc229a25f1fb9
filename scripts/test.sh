#!/usr/bin/env bash
# Runs every test postino has, from a fresh Debian machine: installs what
# the tests need (Dovecot, Postfix, xmllint; as root, or through sudo),
# fetches the Go modules, then runs vet, gofmt, staticcheck, the whole
# suite with the race detector (unit tests, in-process servers, the real
# Dovecot/Postfix end-to-end tests) and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
  bash scripts/install-deps.sh
elif command -v sudo >/dev/null 2>&1; then
  sudo bash scripts/install-deps.sh
else
  bash scripts/install-deps.sh
fi

export PATH="$PATH:/usr/local/go/bin:/usr/sbin"
go mod download
go vet ./...
unformatted=$(gofmt -l . | grep -v '^testdata/' || true)
if [ -n "$unformatted" ]; then
  echo "gofmt wants to rewrite: $unformatted" >&2
  exit 1
fi
# staticcheck comes through the module proxy at a pinned version, so a
# fresh CI machine needs nothing installed; it exits non-zero on any report.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# providers.json (and docs/findings.md) are generated: what is committed
# must be what the data gives. go generate prints what it changed.
go generate ./...
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git diff --exit-code providers.json docs/findings.md
fi

# The end-to-end tests start real Dovecot and Postfix on 127.x addresses at
# the standard ports and an HTTPS server on 127.x:443: they need root, and
# with CI=true they fail rather than skip when they cannot.
go test -race -count=1 -timeout 20m ./...

# Fuzz every parser of untrusted input briefly (the seeds run above too).
fuzztime="${FUZZTIME:-30s}"
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "fuzz $pkg $target ($fuzztime)"
    if ! out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1); then
      # The failing input is in the package's testdata/fuzz/$target: commit
      # it with the fix, as a regression seed.
      echo "$out" >&2
      exit 1
    fi
  done
done
echo "fuzzing: no new failures"
