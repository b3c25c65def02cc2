// Command kubectl-hnp is the kubectl plugin `kubectl hnp`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/githedgehog/kubectl-hnp/internal/gcpolicy"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/root"
)

func main() {
	gcpolicy.Start(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := root.Main(ctx, os.Args[1:], root.Streams())
	stop()
	os.Exit(code)
}
