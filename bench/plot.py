#!/usr/bin/env python3
"""plot.py -- turns uvlog-bench JSON into gnuplot data and PNG plots.

usage: plot.py RESULTS.json OUTDIR

Writes OUTDIR/latency-<N>t.png (caller latency percentiles per contender, log
scale, one plot per producer thread count) and OUTDIR/throughput.png (burst
rates: calls returned and records on disk, per thread count, log scale).
The plotting itself is bench/plot.gp, run with gnuplot.
"""
import json
import os
import subprocess
import sys
import tempfile

PCTS = ["p50", "p99", "p99.9", "p99.99", "max"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    res = json.load(open(sys.argv[1]))
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    rows = [r for r in res["results"] if "latency_ns" in r]
    threads = sorted({r["threads"] for r in rows})
    names = []
    for r in rows:
        if r["contender"] not in names:
            names.append(r["contender"])
    gp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot.gp")
    with tempfile.TemporaryDirectory() as tmp:
        for t in threads:
            dat = os.path.join(tmp, "lat-%d.dat" % t)
            sel = [r for r in rows if r["threads"] == t]
            with open(dat, "w") as f:
                f.write("percentile " + " ".join(r["contender"] for r in sel) + "\n")
                for p in PCTS:
                    f.write(p + " " + " ".join("%.1f" % r["latency_ns"][p] for r in sel) + "\n")
            png = os.path.join(outdir, "latency-%dt.png" % t)
            run(gp, "latency", dat, png, "Caller latency, %d producer thread%s (median of %d rounds)"
                % (t, "s" if t > 1 else "", res["config"]["rounds"]), len(sel))
        dat = os.path.join(tmp, "thr.dat")
        with open(dat, "w") as f:
            cols = []
            for t in threads:
                cols += ["calls/s_%dT" % t, "disk/s_%dT" % t]
            f.write("contender " + " ".join(cols) + "\n")
            for n in names:
                if n == "timer":
                    continue
                vals = []
                for t in threads:
                    r = [x for x in rows if x["contender"] == n and x["threads"] == t]
                    b = r[0]["burst"] if r else {}
                    for k in ("calls_per_s", "disk_per_s"):
                        v = b.get(k)
                        vals.append("%.0f" % v if v else "NaN")
                f.write(n + " " + " ".join(vals) + "\n")
        run(gp, "throughput", dat, os.path.join(outdir, "throughput.png"),
            "Burst of %d records per thread: records/s (median of %d rounds)"
            % (res["config"]["burst_calls"], res["config"]["rounds"]), len(threads) * 2)


def run(gp, kind, dat, png, title, ncols=5):
    subprocess.run(["gnuplot", "-e", "kind='%s'; dat='%s'; out='%s'; ttl='%s'; ncols=%d"
                    % (kind, dat, png, title, ncols), gp], check=True)


if __name__ == "__main__":
    main()
