#!/usr/bin/env python3
"""feedserver -- a feed server for tests on 127.0.0.1 only.

usage: feedserver.py DIR PORTFILE [CERT KEY]

Serves DIR's files with ETag and Last-Modified, answering If-None-Match /
If-Modified-Since with 304, and misbehaves on purpose under these paths:
/status/N (that status), /slow (one byte a second), /endless (a body that
never ends), /junk (binary noise), /loop (redirects to itself),
/html (an error page with status 200 and text/html). Writes the port it
listens on to PORTFILE (with CERT and KEY, an HTTPS twin's port to
PORTFILE.tls), then serves until killed. Counts requests per
path in DIR/../requests.log (one line each: path status).
"""
import email.utils
import hashlib
import http.server
import os
import random
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    log_path = None

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        if self.log_path:
            with open(self.log_path, "a") as fh:
                fh.write("%s %d\n" % (self.path, status))

    def send(self, status, body=b"", ctype="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.note(status)

    def do_GET(self):
        p = self.path.split("?", 1)[0]   # a query (e.g. an API key) selects nothing here
        if p.startswith("/status/"):
            return self.send(int(p.split("/")[2]), b"nope\n")
        if p == "/loop":
            return self.send(302, headers=[("Location", "/loop")])
        if p == "/junk":
            rnd = random.Random(7)
            return self.send(200, bytes(rnd.randrange(256) for _ in range(20000)), "application/octet-stream")
        if p == "/html":
            return self.send(200, b"<html><body><h1>Service unavailable</h1>\n<p>try later</p></body></html>\n", "text/html")
        if p in ("/slow", "/endless"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.note(200)
            try:
                for i in range(600):
                    self.wfile.write(b"slow-%d.example\n" % i if p == "/slow" else b"x" * 65536 + b"\n")
                    self.wfile.flush()
                    if p == "/slow":
                        time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        path = os.path.join(self.root, os.path.basename(p))
        if not os.path.isfile(path):
            return self.send(404, b"not found\n")
        body = open(path, "rb").read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        lm = email.utils.formatdate(os.path.getmtime(path), usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == lm):
            return self.send(304, headers=[("ETag", etag), ("Last-Modified", lm)])
        self.send(200, body, headers=[("ETag", etag), ("Last-Modified", lm)])


def main():
    Handler.root = sys.argv[1]
    Handler.log_path = os.path.join(os.path.dirname(sys.argv[2]), "requests.log")
    if len(sys.argv) > 4:
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        with open(sys.argv[2] + ".tls", "w") as fh:
            fh.write(str(tls.server_address[1]))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(sys.argv[2] + ".tmp", "w") as fh:
        fh.write(str(srv.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    srv.serve_forever()


if __name__ == "__main__":
    main()
