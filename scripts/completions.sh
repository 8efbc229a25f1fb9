#!/bin/sh
# Generates the shell completions and the man page from the command
# definitions (postino completion SHELL, postino man), for the release
# archives: .goreleaser.yml runs it before building, and its archives ship
# completions/ and manpages/. The README says how to install them.
set -eu
cd "$(dirname "$0")/.."
rm -rf completions manpages
mkdir completions manpages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/postino" .
"$tmp/postino" completion bash > completions/postino.bash
"$tmp/postino" completion zsh > completions/_postino
"$tmp/postino" completion fish > completions/postino.fish
"$tmp/postino" man | gzip -9n > manpages/postino.1.gz
