#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py RAW_DIR RESULTS_DIR: the table of `make bench`.

Reads what tests/bench/guest.sh wrote (RAW_DIR/raw.jsonl, meta.json), takes
the median and the spread (min..max) of every figure for every tool, prints
the ratios litepx / each other tool and writes RESULTS_DIR/<date>.md, its
JSON twin <date>.json and <date>.png (gnuplot, if installed).
"""
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys

TOOLS = ["direct", "nft", "haproxy", "nginx", "socat", "litepx"]
NAMES = {
    "direct": "direct",
    "nft": "nftables DNAT",
    "haproxy": "HAProxy",
    "nginx": "nginx stream",
    "socat": "socat",
    "litepx": "litepx",
}

# key: (label, unit, higher_is_better, short label for the plot)
METRICS = {
    "bulk1": ("TCP bulk, 1 stream", "Mbit/s", True, "bulk 1"),
    "bulk8": ("TCP bulk, 8 streams", "Mbit/s", True, "bulk 8"),
    "crr": ("new connections (64 B request and reply, 16 at a time)",
            "conn/s", True, "conn/s"),
    "rr": ("round trips on one connection (64 B)", "trans/s", True, "RR rate"),
    "rr_p50": ("round trip latency, median", "us", False, "RR p50"),
    "udp": ("UDP echo (64 B datagrams, 32 in flight)", "dgram/s", True,
            "UDP pps"),
    "cpu": ("CPU time per GB, 1 stream, whole guest", "CPU s/GB", False,
            "CPU/GB"),
    "cpu_extra": ("CPU time per GB above direct (the forwarder's share)",
                  "CPU s/GB", False, "CPU/GB fwd"),
    "mem": ("memory per idle connection, whole guest", "bytes", False,
            "mem/conn"),
    "mem_extra": ("memory per idle connection above direct (the "
                  "forwarder's share)", "bytes", False, "mem fwd"),
}


def load(raw_dir):
    with open(os.path.join(raw_dir, "meta.json")) as f:
        meta = json.load(f)
    rows = []
    with open(os.path.join(raw_dir, "raw.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    git = os.path.join(raw_dir, "git")
    if os.path.exists(git):
        meta["git"] = open(git).read().strip()
    return meta, rows


def samples(rows):
    """{metric: {tool: [values]}} and {(metric, tool): why} for n/a."""
    out = {m: {t: [] for t in TOOLS} for m in METRICS}
    why = {}
    for r in rows:
        tool, test = r["tool"], r["test"]
        if tool not in TOOLS:
            continue
        if not r["ok"]:
            for m in ([test, "rr_p50"] if test == "rr" else
                      ["cpu", "cpu_extra"] if test == "bulk1" else
                      [test, "mem_extra"] if test == "mem" else [test]):
                why.setdefault((m, tool), r["why"])
            if test == "bulk1":
                why.setdefault(("bulk1", tool), r["why"])
            continue
        if test in out:
            out[test][tool].append(r["value"])
        if test == "rr":
            out["rr_p50"][tool].append(r["p50_us"])
        if test == "bulk1" and r["bytes"]:
            out["cpu"][tool].append(r["cpu_busy"] / (r["bytes"] / 1e9))
    return out, why


def summarize(values):
    if not values:
        return None
    med = statistics.median(values)
    return {"median": med, "min": min(values), "max": max(values),
            "n": len(values), "samples": values}


def build(meta, rows):
    data, why = samples(rows)
    res = {}
    for m, (label, unit, higher, short) in METRICS.items():
        res[m] = {"label": label, "unit": unit,
                  "better": "higher" if higher else "lower",
                  "tools": {}, "ratios": {}}
        for t in TOOLS:
            s = summarize(data[m][t])
            if s is None and (m, t) in why:
                s = {"na": why[(m, t)]}
            res[m]["tools"][t] = s
    # "above direct": the forwarder's own share, median minus direct's.
    for m, base in (("cpu_extra", "cpu"), ("mem_extra", "mem")):
        d = res[base]["tools"].get("direct") or {}
        for t in TOOLS:
            s = res[base]["tools"].get(t) or {}
            if t == "direct":
                res[m]["tools"][t] = {"na": "the baseline"}
            elif "median" in s and "median" in d:
                res[m]["tools"][t] = {
                    "median": s["median"] - d["median"],
                    "min": s["min"] - d["median"],
                    "max": s["max"] - d["median"], "n": s["n"]}
            elif "na" in s:
                res[m]["tools"][t] = {"na": s["na"]}
            else:
                res[m]["tools"][t] = None
    for m in res:
        lp = res[m]["tools"].get("litepx") or {}
        for t in TOOLS:
            if t == "litepx":
                continue
            o = res[m]["tools"].get(t) or {}
            r = None
            if "median" in lp and "median" in o and o["median"] > 0 \
                    and lp["median"] > 0:
                r = lp["median"] / o["median"]
            res[m]["ratios"][t] = r
    return res


def fmt(v):
    if v is None:
        return "n/a"
    a = abs(v)
    if a >= 1e5:
        return "%.0f" % v
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def fmt_ratio(r):
    return "n/a" if r is None else "%.2f" % r


def cell(s):
    if not s:
        return "n/a"
    if "na" in s:
        return "n/a"
    if s.get("n", 1) > 1:
        return "%s (%s..%s)" % (fmt(s["median"]), fmt(s["min"]),
                                fmt(s["max"]))
    return fmt(s["median"])


def table(headers, rows):
    widths = [max(len(str(r[i])) for r in [headers] + rows)
              for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(
        str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


def ratio_table(res):
    others = [t for t in TOOLS if t != "litepx"]
    headers = ["figure (better)"] + ["litepx / " + NAMES[t] for t in others]
    rows = []
    for m, v in res.items():
        rows.append(["%s, %s (%s)" % (v["label"], v["unit"], v["better"])] +
                    [fmt_ratio(v["ratios"][t]) for t in others])
    return table(headers, rows)


def value_table(res):
    headers = ["figure", "unit"] + [NAMES[t] for t in TOOLS]
    rows = []
    for m, v in res.items():
        rows.append([v["label"], v["unit"]] +
                    [cell(v["tools"][t]) for t in TOOLS])
    return table(headers, rows)


def notes(res):
    out = []
    seen = set()
    for m, v in res.items():
        for t in TOOLS:
            s = v["tools"][t]
            if s and "na" in s and t != "direct" and (t, s["na"]) not in seen:
                seen.add((t, s["na"]))
                out.append("- %s, %s: n/a, %s" % (NAMES[t], v["label"],
                                                  s["na"]))
    return out


def markdown(meta, res, date, png):
    lines = [
        "# litepx benchmark, %s" % date, "",
        "Guest: Linux %s, %d CPUs, %d MiB, QEMU TCG (software emulation: "
        "only ratios within this run mean anything). Tree: %s." % (
            meta["kernel"], meta["cpus"], meta["mem_kb"] // 1024,
            meta.get("git", "?")),
        "Tools: HAProxy %s, nginx %s, socat %s, nftables %s." % (
            meta["haproxy"], meta["nginx"], meta["socat"],
            meta["nftables"]),
        "Each timed figure: %d rounds of %s s; memory: %d rounds at %d "
        "connections (socat at %d). Method: docs/performance.md." % (
            meta["reps"], meta["secs"], meta["mem_reps"],
            meta["mem_conns"], meta["socat_mem_conns"]),
        "",
        "## Ratios litepx / other",
        "",
        "Above 1 means litepx's figure is larger: better where higher is "
        "better, worse where lower is.",
        "",
        ratio_table(res),
        "",
        "## Medians (min..max)",
        "",
        value_table(res),
        "",
    ]
    n = notes(res)
    if n:
        lines += ["## Not measured", ""] + n + [""]
    if png:
        lines += ["![ratios](%s)" % png, ""]
    return "\n".join(lines)


def plot(res, path):
    if not shutil.which("gnuplot"):
        print("report: no gnuplot, no plot", file=sys.stderr)
        return False
    others = [t for t in TOOLS if t != "litepx"]
    dat = path + ".dat"
    with open(dat, "w") as f:
        f.write("figure " + " ".join('"%s"' % NAMES[t] for t in others) +
                "\n")
        for m, v in res.items():
            label = "%s (%s)" % (METRICS[m][3],
                                 "higher" if METRICS[m][2] else "lower")
            f.write('"%s" ' % label + " ".join(
                "%.4f" % v["ratios"][t] if v["ratios"][t] else "?"
                for t in others) + "\n")
    script = """
set terminal pngcairo size 1200,600 font ",10"
set output "%s"
set title "litepx / other tool, median of each figure (label: which way is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set yrange [0.03:32]
set ytics ("1/32" 0.03125, "1/16" 0.0625, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32)
set grid ytics
set key top left horizontal
set xtics rotate by -25 nomirror
set datafile missing "?"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc "black"
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
""" % (path, len(others) + 1, dat)
    r = subprocess.run(["gnuplot"], input=script, text=True)
    os.unlink(dat)
    return r.returncode == 0


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    raw, outdir = sys.argv[1:]
    meta, rows = load(raw)
    res = build(meta, rows)
    date = datetime.date.today().isoformat()
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, date)
    png = plot(res, base + ".png")
    md = markdown(meta, res, date, os.path.basename(base) + ".png"
                  if png else None)
    with open(base + ".md", "w") as f:
        f.write(md)
    with open(base + ".json", "w") as f:
        json.dump({"date": date, "meta": meta, "figures": res}, f, indent=1)
        f.write("\n")
    print()
    print(ratio_table(res))
    print()
    print(value_table(res))
    for n in notes(res):
        print(n)
    print()
    print("report: %s.md, .json%s" % (base, ", .png" if png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
