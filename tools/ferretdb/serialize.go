package main

// FerretDB 1.24 runs every update as "query the documents, change them in Go, write
// them back by _id" with nothing held between the read and the write
// (internal/handler/msg_update.go, backends/sqlite UpdateAll). Two clients updating the
// same document at once therefore lose one of the changes: ten threads doing 30 `$inc`
// each on one document left 37 instead of 300. MongoDB applies each update atomically,
// and the app relies on that (roster rows, version-conditioned saves).
//
// So the embedded server does not expose FerretDB directly: FerretDB listens on a Unix
// socket in a private directory and this proxy, on the loopback TCP port, forwards each
// client's messages. Commands that write run one at a time (a single mutex held from
// the request until its reply); reads pass concurrently. Conditional updates such as
// {_id, version: n} become atomic again, since no other write can run between
// FerretDB's read and its write.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"sync"
)

const (
	opMsg          = 2013
	opCompressed   = 2012
	flagMoreToCome = 1 << 1
)

// Commands that change data; everything else (find, getMore, count, aggregate without
// $out, hello, …) is a read.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"create": true, "createindexes": true, "drop": true, "dropindexes": true,
	"dropdatabase": true, "renamecollection": true, "collmod": true, "compact": true,
	"createuser": true, "updateuser": true, "dropuser": true, "dropallusersfromdatabase": true,
}

var writeLock sync.Mutex

// readMessage reads one whole wire message (its 4-byte length included).
func readMessage(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(head[:]))
	if n < 16 || n > 64<<20 {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, n)
	copy(msg, head[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func msgFlags(msg []byte) uint32 {
	if opCode(msg) != opMsg || len(msg) < 20 {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

// commandName is the first key of an OP_MSG body section, lower-cased ("" if none).
func commandName(msg []byte) string {
	if opCode(msg) != opMsg {
		return ""
	}
	end := len(msg)
	if msgFlags(msg)&1 != 0 { // checksumPresent
		end -= 4
	}
	for p := 20; p < end; {
		kind := msg[p]
		p++
		if p+4 > end {
			return ""
		}
		size := int(binary.LittleEndian.Uint32(msg[p : p+4]))
		if kind == 0 {
			// BSON document: int32 length, then elements: type byte, cstring name, …
			q := p + 4
			if q >= end || msg[q] == 0 {
				return ""
			}
			q++
			stop := bytes.IndexByte(msg[q:end], 0)
			if stop < 0 {
				return ""
			}
			return string(bytes.ToLower(msg[q : q+stop]))
		}
		p += size // kind 1: the size covers itself, the identifier and the documents
	}
	return ""
}

func isWrite(msg []byte) bool {
	switch opCode(msg) {
	case opCompressed:
		return true // cannot look inside: treat as a write to stay safe
	case opMsg:
		return writeCommands[commandName(msg)]
	}
	return false
}

// proxy forwards one client's messages to FerretDB and the replies back.
func proxy(client net.Conn, backendAddr string) {
	defer client.Close()
	backend, err := net.Dial("unix", backendAddr)
	if err != nil {
		log.Printf("proxy: cannot reach ferretdb: %v", err)
		return
	}
	defer backend.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			return
		}
		if !exchange(req, client, backend) {
			return
		}
	}
}

// exchange sends one request and relays its replies; false ends the connection.
func exchange(req []byte, client, backend net.Conn) bool {
	if isWrite(req) {
		writeLock.Lock()
		defer writeLock.Unlock()
	}
	if _, err := backend.Write(req); err != nil {
		return false
	}
	if msgFlags(req)&flagMoreToCome != 0 {
		return true // the client asked for no reply (unacknowledged write)
	}
	for {
		reply, err := readMessage(backend)
		if err != nil {
			return false
		}
		if _, err := client.Write(reply); err != nil {
			return false
		}
		if msgFlags(reply)&flagMoreToCome == 0 {
			return true
		}
	}
}

// serve accepts clients on the public listener until it is closed.
func serve(ln net.Listener, backendAddr string) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go proxy(conn, backendAddr)
	}
}
