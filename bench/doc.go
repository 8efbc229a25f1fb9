// Package bench holds postino's benchmarks that need a whole world around
// them, such as the discover latency benchmark: an in-process DNS server,
// web servers and mail servers on loopback, reached through a proxy that
// puts a fixed latency on every DNS answer and every TCP round trip.
//
// Everything lives in the _test.go files; run
//
//	go test -run '^$' -bench . -benchtime 5x ./bench/
//
// and see docs/benchmarks.md for what the figures mean.
package bench
