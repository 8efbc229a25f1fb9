#!/bin/sh
# postino test: latency and comparison with the monitoring plugins
# (docs/benchmarks.md has the figures and what they mean).
#
# In one `go test` run:
#   BenchmarkTestParallel, BenchmarkTestSequential  the in-process latency
#       world (50 ms RTT): wall time of `postino test` of three servers
#       against its longest chain of round trips;
#   BenchmarkTestVsPlugins  the built postino binary against the Debian
#       monitoring plugins and swaks run one after another, over real
#       Dovecot and Postfix on 127.0.40.1 and .2, directly (loopback) and
#       through a 50 ms RTT proxy (rtt50ms); also timed with hyperfine,
#       whose JSON and Markdown exports land in OUTDIR.
#
# Usage (as root; the tools come from bench/install-bench-tools.sh):
#   bench/compare-plugins.sh [OUTDIR]
# Environment: BENCHTIME (go test -benchtime, default 10x),
#   POSTINO_HYPERFINE_RUNS (hyperfine --runs; default 20 on loopback, 10
#   at 50 ms RTT). About three minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/postino-compare-plugins}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "compare-plugins.sh: run as root (Dovecot and Postfix on standard ports)" >&2
	exit 3
fi
for tool in hyperfine swaks /usr/lib/nagios/plugins/check_imap /usr/lib/nagios/plugins/check_smtp dovecot postconf; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "compare-plugins.sh: $tool is missing: run bench/install-bench-tools.sh" >&2
		exit 3
	fi
done
{
	echo "# $(date -u '+%Y-%m-%dT%H:%M:%SZ'), $(nproc) cores, $(go version)"
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/bench.txt"
# sh has no pipefail: the status of go test travels through a file.
{
	rc=0
	POSTINO_HYPERFINE_DIR=$out go test -count 1 -run '^$' \
		-bench '^BenchmarkTest(Parallel|Sequential|VsPlugins)$' -benchtime "${BENCHTIME:-10x}" \
		-v ./bench/ 2>&1 || rc=$?
	echo "$rc" > "$out/go-test.status"
} | tee -a "$out/bench.txt"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/bench.txt"
rc=$(cat "$out/go-test.status")
rm -f "$out/go-test.status"
if [ "$rc" != 0 ]; then
	echo "compare-plugins.sh: go test failed (status $rc); see $out/bench.txt" >&2
	exit "$rc"
fi
echo
echo "hyperfine exports and the benchmark log are in $out:"
ls "$out"
