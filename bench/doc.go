// Package bench holds postino's benchmarks that need a whole world around
// them, such as the discover latency benchmark: an in-process DNS server,
// web servers and mail servers on loopback, reached through a proxy that
// puts a fixed latency on every DNS answer and every TCP round trip.
//
// The same injector measures `postino test` (BenchmarkTestParallel), and
// BenchmarkTestVsPlugins compares the built binary with the Debian
// monitoring plugins and swaks over real Dovecot and Postfix; it needs root
// and the tools of install-bench-tools.sh, and skips without them.
// compare-plugins.sh runs the `postino test` benchmarks with hyperfine.
//
// Everything lives in the _test.go files; run
//
//	go test -run '^$' -bench . -benchtime 5x ./bench/
//
// and see docs/benchmarks.md for what the figures mean.
package bench
