#!/usr/bin/env python3
"""Cross-client bridge for the C tests: run a batch of boto3 calls against the
endpoint in AWS_ENDPOINT_URL and print the results as JSON.

Input (a file named by argv[1]): [{"service": "s3", "op": "put_object", "params": {...}}]
Bytes travel as {"__b64__": "..."}; {"__file__": path} reads a request body from a file.
Output: one entry per call, {"ok": result} or {"error": {"code": ..., "message": ...}}.
"""
import base64
import datetime
import decimal
import json
import sys

import boto3
import botocore.config
import botocore.exceptions


def decode(v):
    if isinstance(v, dict):
        if set(v) == {"__b64__"}:
            return base64.b64decode(v["__b64__"])
        if set(v) == {"__file__"}:
            with open(v["__file__"], "rb") as f:
                return f.read()
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def encode(v):
    if isinstance(v, (bytes, bytearray)):
        return {"__b64__": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, dict):
        return {k: encode(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if hasattr(v, "read"):
        return encode(v.read())
    return v


def main():
    with open(sys.argv[1], "rb") as f:
        calls = json.load(f)
    cfg = botocore.config.Config(s3={"addressing_style": "path"},
                                 retries={"max_attempts": 1, "mode": "standard"})
    clients = {}
    out = []
    for call in calls:
        svc = call["service"]
        if svc not in clients:
            clients[svc] = boto3.client(svc, config=cfg)
        try:
            res = getattr(clients[svc], call["op"])(**decode(call.get("params", {})))
            out.append({"ok": encode(res)})
        except botocore.exceptions.ClientError as e:
            err = e.response.get("Error", {})
            out.append({"error": {"code": err.get("Code", ""), "message": err.get("Message", "")}})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
