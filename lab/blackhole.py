#!/usr/bin/env python3
"""blackhole -- a "resolver" that never answers: it reads UDP queries and
accepts TCP connections on ADDRESS PORT and drops everything. The flux lab
uses it as a dead vantage for fault tests."""
import selectors
import socket
import sys


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, port))
    tcp.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ)
    sel.register(tcp, selectors.EVENT_READ)
    held = []
    print("ready", flush=True)             # labctl waits for this line
    while True:
        for key, _ in sel.select():
            if key.fileobj is udp:
                udp.recv(65535)
            else:
                conn, _ = tcp.accept()
                held.append(conn)          # never read, never answered
                if len(held) > 64:
                    held.pop(0).close()


if __name__ == "__main__":
    main()
