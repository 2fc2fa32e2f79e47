// Command busctl is a small tool for the scripts that drive the bus mode
// (scripts/bench-ingest.sh bus): it counts the messages of an event stream
// and deletes a stream.
//
//	busctl -url nats://127.0.0.1:4222 -stream NAME -subject PREFIX messages   # prints the count
//	busctl -url nats://127.0.0.1:4222 -stream NAME -subject PREFIX delete     # deletes the stream
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/vitrine/vitrine/internal/bus"
)

func main() {
	url := flag.String("url", "nats://127.0.0.1:4222", "NATS server")
	stream := flag.String("stream", bus.DefaultStream, "stream name")
	subject := flag.String("subject", bus.DefaultSubject, "subject prefix of the stream")
	flag.Parse()
	if flag.NArg() != 1 || (flag.Arg(0) != "messages" && flag.Arg(0) != "delete") {
		fmt.Fprintln(os.Stderr, "usage: busctl [-url U] [-stream S] [-subject P] messages|delete")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := bus.Connect(ctx, bus.Config{URL: *url, Stream: *stream, Subject: *subject, Name: "vitrine-busctl"}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "busctl:", err)
		os.Exit(1)
	}
	defer b.Close()
	switch flag.Arg(0) {
	case "messages":
		n, err := b.Messages(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "busctl:", err)
			os.Exit(1)
		}
		fmt.Println(n)
	case "delete":
		if err := b.DeleteStream(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "busctl:", err)
			os.Exit(1)
		}
	}
}
