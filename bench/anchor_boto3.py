#!/usr/bin/env python3
"""Benchmark anchor: the same work as bench/bench_core.c, done with boto3.

Usage: anchor_boto3.py putitem TABLE N PREFIX | scan TABLE | s3 BUCKET KEY FILE
Prints one JSON line: {"work", "items"|"bytes", "cpu_work_s", "cpu_total_s",
"wall_s", "maxrss_kib"}. cpu_work_s covers only the work (after imports and client
creation); maxrss is the whole process's peak.
"""
import json
import resource
import sys
import time

import boto3
import botocore.config


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def item(prefix, i):
    return {
        "FileName": {"S": f"{prefix}/file-{i:06d}.txt"},
        "Bucket": {"S": "bench-bucket"},
        "FileSize": {"N": str(1000 + i)},
        "UploadTime": {"S": "2026-11-25T10:00:00.000Z"},
        "UploadDay": {"S": f"2026-11-25#{i % 4}"},
        "ContentType": {"S": "text/plain"},
        "Sha256": {"S": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        "Status": {"S": "PROCESSED"},
    }


def main():
    mode = sys.argv[1]
    cfg = botocore.config.Config(s3={"addressing_style": "path"},
                                 retries={"mode": "standard", "max_attempts": 3})
    t0, c0 = time.monotonic(), cpu()
    out = {"work": mode}
    if mode == "putitem":
        ddb = boto3.client("dynamodb", config=cfg)
        table, n, prefix = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        t0, c0 = time.monotonic(), cpu()
        for i in range(n):
            ddb.put_item(TableName=table, Item=item(prefix, i))
        out["items"] = n
    elif mode == "scan":
        ddb = boto3.client("dynamodb", config=cfg)
        t0, c0 = time.monotonic(), cpu()
        count, kw = 0, {"TableName": sys.argv[2]}
        while True:
            page = ddb.scan(**kw)
            count += len(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        out["items"] = count
    elif mode == "s3":
        s3 = boto3.client("s3", config=cfg)
        bucket, key, path = sys.argv[2], sys.argv[3], sys.argv[4]
        t0, c0 = time.monotonic(), cpu()
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=key, Body=f)
        total = 0
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        for chunk in body.iter_chunks(65536):
            total += len(chunk)
        out["bytes"] = total
    else:
        sys.exit(f"unknown mode {mode}")
    out["cpu_work_s"] = round(cpu() - c0, 4)
    out["cpu_total_s"] = round(cpu(), 4)
    out["wall_s"] = round(time.monotonic() - t0, 4)
    out["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out))


if __name__ == "__main__":
    main()
