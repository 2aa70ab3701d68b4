#!/usr/bin/env python3
"""A container credentials endpoint for tests/unit/test_cred.c (python3 stdlib only).

Binds 127.0.0.1 on a free port and prints that port on stdout. Exits when stdin
closes, so it never outlives the test binary. Control endpoints:
  GET /_set?mode=M  choose what credential requests get (modes below)
  GET /_reset       mode ok1h, counters cleared
  GET /_stats       {"count": N, "auth": last Authorization or null, "exp": epoch s}
Any other path is a credential request. Modes: ok1h, ok1m (Expiration 1 hour / 1
minute ahead), expired (10 s ago), notoken, error (403 error document), error200,
echo (401 whose message repeats the Authorization header), malformed (truncated
JSON holding a secret), missing (no SecretAccessKey), badexp, html (500, not JSON),
array (a JSON array).
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATE = {"mode": "ok1h", "count": 0, "auth": None, "exp": 0}
LOCK = threading.Lock()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def creds(n, ahead, token=True):
    exp = int(time.time()) + ahead
    STATE["exp"] = exp
    doc = {
        "AccessKeyId": "ASIATEST%04d" % n,
        "SecretAccessKey": "SERVERSECRET-%d" % n,
        "Expiration": iso(exp),
        "RoleArn": "arn:aws:iam::123456789012:role/test",
    }
    if token:
        doc["Token"] = "SERVERTOKEN-%d" % n
    return 200, json.dumps(doc)


def answer(mode, n, auth):
    if mode == "ok1h":
        return creds(n, 3600)
    if mode == "ok1m":
        return creds(n, 60)
    if mode == "expired":
        return creds(n, -10)
    if mode == "notoken":
        return creds(n, 3600, token=False)
    if mode == "error":
        return 403, json.dumps({"code": "AccessDenied", "message": "role not allowed"})
    if mode == "error200":
        return 200, json.dumps({"code": "InvalidToken", "message": "token expired"})
    if mode == "echo":
        return 401, json.dumps({"code": "Unauthorized", "message": "bad token %s" % auth})
    if mode == "malformed":
        return 200, '{"AccessKeyId": "ASIAX", "SecretAccessKey": "SERVERSECRET-%d", "Tok' % n
    if mode == "missing":
        return 200, json.dumps({"AccessKeyId": "ASIAX", "Token": "SERVERTOKEN-%d" % n,
                                "Expiration": iso(time.time() + 3600)})
    if mode == "badexp":
        return 200, json.dumps({"AccessKeyId": "ASIAX", "SecretAccessKey": "SERVERSECRET-%d" % n,
                                "Token": "SERVERTOKEN-%d" % n, "Expiration": "tomorrow"})
    if mode == "html":
        return 500, "<html>SERVERSECRET-%d went wrong</html>" % n
    if mode == "array":
        return 200, "[1, 2, 3]"
    return 500, "unknown mode"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body go in separate writes

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        with LOCK:
            if url.path == "/_set":
                STATE["mode"] = parse_qs(url.query).get("mode", ["ok1h"])[0]
                return self.reply(200, "{}")
            if url.path == "/_reset":
                STATE.update(mode="ok1h", count=0, auth=None, exp=0)
                return self.reply(200, "{}")
            if url.path == "/_stats":
                return self.reply(200, json.dumps(
                    {"count": STATE["count"], "auth": STATE["auth"], "exp": STATE["exp"],
                     "path": STATE.get("path")}))
            STATE["count"] += 1
            STATE["auth"] = self.headers.get("Authorization")
            STATE["path"] = self.path
            status, body = answer(STATE["mode"], STATE["count"], STATE["auth"])
        self.reply(status, body)


def watch_stdin():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=watch_stdin, daemon=True).start()
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
