// Command run executes the Go cells of book chapters and verifies their
// output against the golden output written in the chapters.
//
//	go run ./cmd/run [-v] [-run regexp] [-update] [-json] [-junit file] [-summary file] chapters/cpu.md
//
// The chapter format and the flags are documented in package runner.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/concurrency101/book/runner"
)

func main() {
	runner.MaybeWorker()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	args := os.Args[1:]
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		// In a GitHub Actions job: failures as annotations (an explicit
		// -github=false after it wins).
		args = append([]string{"-github"}, args...)
	}
	code := runner.Command(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
