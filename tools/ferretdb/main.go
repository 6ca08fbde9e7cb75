// Command ferretdb-embedded serves the MongoDB wire protocol on loopback with
// FerretDB's SQLite backend. It is built from the Go module proxy by the
// project (plain `go install` of FerretDB's own command panics at start-up).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27117", "TCP address to listen on (loopback only)")
	dir := flag.String("dir", "var/ferretdb", "SQLite data directory")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "数据目录无法创建 / cannot create data directory %s: %v\n", *dir, err)
		os.Exit(3)
	}
	url := "file:" + *dir
	if url[len(url)-1] != '/' {
		url += "/"
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: url,
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Println("ferretdb listening on", *listen)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb: %v", err)
	}
}
