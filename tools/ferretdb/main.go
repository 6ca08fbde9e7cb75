// Command ferretdb-embedded serves the MongoDB wire protocol on loopback with
// FerretDB's SQLite backend. It is built from the Go module proxy by the
// project (plain `go install` of FerretDB's own command panics at start-up).
// FerretDB itself listens on a private Unix socket; clients reach it through the
// write-serialising proxy of serialize.go on the loopback port.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

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
	private, err := os.MkdirTemp("", "wbz-fdb-") // 0700: only this user reaches the socket
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
	defer os.RemoveAll(private)
	sock := filepath.Join(private, "ferretdb.sock")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Handler:   "sqlite",
		SQLiteURL: url,
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	for i := 0; ; i++ { // open the public port only once FerretDB answers on its socket
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if i > 200 {
			log.Fatalf("ferretdb: socket %s did not come up", sock)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
	go serve(ln, sock)
	fmt.Println("ferretdb listening on", *listen, "(writes serialised)")
	err = <-done
	ln.Close()
	if err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb: %v", err)
	}
}
