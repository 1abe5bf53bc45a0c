"""The timeline of a measured build: which process worked on what and when, and how many cores were busy.

The build writes its events when ``BUILD_TIMELINE`` names a file (:mod:`portal.timeline`); the bench's
sampler keeps the cores the command's process tree and the whole machine kept busy (:mod:`bench.measure`).
:func:`make` puts both on one axis (seconds from the command's start) as plain data for the JSON, and
:func:`svg` draws it: one line per process (the build's main process, its indexing thread, each worker,
Pagefind's runs), a bar per stage and site, and underneath the busy cores over time. The idle core time is
the area between the number of cores and the busy line: what a better schedule can still win.
"""

from __future__ import annotations

import os
from html import escape

from portal.timeline import SUBPROCESS, Event

from .measure import BIN, Measurement

# Stages drawn in the lanes, in the legend's order, with their colours. A stage not listed is drawn grey.
STAGES = {
    "list": ("list and hash the files", "#9ecae1"),
    "check": ("check (validate every file)", "#3182bd"),
    "check-van-ban": ("check other sites' văn bản", "#6baed6"),
    "load": ("load the checked site", "#c7e9c0"),
    "read": ("Pelican: read (contexts)", "#74c476"),
    "write": ("Pelican: write pages", "#31a354"),
    "index": ("Pagefind: index", "#9e7ac8"),
    "search-digest": ("digest of indexed pages", "#fdae6b"),
    "publish": ("publish (swap in)", "#e6550d"),
    "memory": ("index waits for memory (BUILD_MEMORY_MB)", "#fee391"),
}
PHASES = ("start", "check", "plan", "render", "results")  # the main process's stages of build_province
NESTED = {"load", "read", "write"}  # inside "render": drawn on top of it


def make(measurement: Measurement, events: list[Event]) -> dict:
    """The timeline of one measured run as plain data: lanes of events, the CPU samples and a summary."""
    origin = measurement.started
    lanes = _lanes(events)
    cores = os.cpu_count() or 1
    stages: dict[str, float] = {}  # per-site stages, summed over the sites
    phases: dict[str, float] = {}  # the build's own stages, in its main process
    for event in events:
        into = stages if event.site else phases
        into[event.stage] = into.get(event.stage, 0.0) + event.seconds
    return {
        "giay": round(measurement.seconds, 3),
        "so_loi": cores,
        "cpu_giay": round(measurement.cpu_seconds, 2),
        # Core-seconds the tree left unused: cores × wall time − its CPU time.
        "loi_nhan_roi_giay": round(max(0.0, cores * measurement.seconds - measurement.cpu_seconds), 2),
        # Of those, the ones no other program used either (the machine had a core free).
        "loi_ca_may_roi_giay": round(sum(max(0.0, cores - row[2]) for row in measurement.cpu) * BIN, 2),
        "giai_doan_giay": {k: round(v, 2) for k, v in sorted(stages.items())},
        "pha_giay": {k: round(phases[k], 2) for k in PHASES if k in phases},
        "lan": [{"ten": name, "su_kien": [{"giai_doan": e.stage, "cong": e.site,
                                          "bat_dau": round(e.start - origin, 3), "ket_thuc": round(e.end - origin, 3)}
                                         for e in lane]} for name, lane in lanes],
        "cpu": [list(row) for row in measurement.cpu],  # [bin start, our busy cores, machine busy cores]
    }


def _lanes(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """Events by process line: the main process (the pid of the first event), its threads, each worker
    process, and lines for the programs the build started (Pagefind's runs: a second line when two overlap)."""
    if not events:
        return []
    main = next((e.pid for e in events if e.thread != SUBPROCESS), events[0].pid)
    lanes: dict[str, list[Event]] = {}
    workers: dict[int, str] = {}
    threads: dict[str, str] = {}
    for event in events:
        if event.thread == SUBPROCESS:  # a program the build started: lines per kind, as many as overlap
            number = 1
            while (busy := lanes.get(f"{event.stage} runs {number}")) and busy[-1].end > event.start:
                number += 1
            name = f"{event.stage} runs {number}"
        elif event.pid == main:
            name = "main process" if not event.thread else threads.setdefault(
                event.thread, f"main: indexing thread {len(threads) + 1}")
        else:
            name = workers.setdefault(event.pid, f"worker {len(workers) + 1}")
        lanes.setdefault(name, []).append(event)
    order = ["main process", *sorted(n for n in lanes if n.startswith("main: ")),
             *sorted(n for n in lanes if n.startswith("worker")),
             *sorted(n for n in lanes if " runs " in n)]
    return [(name, lanes[name]) for name in order if name in lanes]


def svg(timeline: dict, title: str = "") -> str:
    """The timeline as an SVG picture (no dependencies): lanes of stages above the busy cores."""
    lanes, cpu, cores = timeline["lan"], timeline["cpu"], timeline["so_loi"]
    end = max([timeline["giay"]] + [e["ket_thuc"] for lane in lanes for e in lane["su_kien"]]) or 1.0
    left, width, lane_h, top = 150, 1000, 26, 48
    scale = width / end
    chart_top = top + lane_h * len(lanes) + 24
    chart_h = 110
    legend_top = chart_top + chart_h + 40
    height = legend_top + 20 * ((len(STAGES) + 3) // 3) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{height}" '
           f'viewBox="0 0 {left + width + 20} {height}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="#fff"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title or "Cold build timeline")}</text>',
           f'<text x="10" y="36">{timeline["giay"]:.1f} s wall, {timeline["cpu_giay"]:.1f} s CPU on {cores} cores: '
           f'{timeline["loi_nhan_roi_giay"]:.1f} core-seconds left unused by the build, of which '
           f'{timeline["loi_ca_may_roi_giay"]:.1f} unused by any program</text>']
    step = _tick(end)
    tick = 0.0
    while tick <= end + 1e-9:
        x = left + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{chart_top + chart_h}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{chart_top + chart_h + 14}" text-anchor="middle">{tick:g} s</text>')
        tick += step
    for index, lane in enumerate(lanes):
        y = top + index * lane_h
        out.append(f'<text x="{left - 6}" y="{y + lane_h / 2 + 4:.1f}" text-anchor="end">{escape(lane["ten"])}</text>')
        out.append(f'<rect x="{left}" y="{y + 2}" width="{width}" height="{lane_h - 4}" fill="#f7f7f7"/>')
        for event in lane["su_kien"]:
            out.append(_bar(event, left, scale, y, lane_h))
    out.append(f'<text x="{left - 6}" y="{chart_top + 12}" text-anchor="end">busy cores</text>')
    out.append(f'<rect x="{left}" y="{chart_top}" width="{width}" height="{chart_h}" fill="#fafafa" stroke="#ccc"/>')
    unit = chart_h / cores
    for level in range(1, cores):
        y = chart_top + chart_h - level * unit
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#ddd"/>')
    for level in range(cores + 1):
        y = chart_top + chart_h - level * unit
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{level}</text>')
    if cpu:
        base = chart_top + chart_h
        ours = " ".join(f"{left + t * scale:.1f},{base - min(c, cores) * unit:.1f} "
                        f"{left + (t + BIN) * scale:.1f},{base - min(c, cores) * unit:.1f}" for t, c, _ in cpu)
        machine = " ".join(f"{left + t * scale:.1f},{base - min(m, cores) * unit:.1f} "
                           f"{left + (t + BIN) * scale:.1f},{base - min(m, cores) * unit:.1f}" for t, _, m in cpu)
        out.append(f'<polygon points="{left},{base} {ours} {left + (cpu[-1][0] + BIN) * scale:.1f},{base}" '
                   f'fill="#31a354" fill-opacity="0.55"/>')
        out.append(f'<polyline points="{machine}" fill="none" stroke="#d62728" stroke-width="1"/>')
    legend = [(label, colour) for label, colour in STAGES.values()]
    legend += [("build's busy cores", "#31a354"), ("machine's busy cores (all programs)", "#d62728"),
               ("main process: build stage", "#bbb")]
    for index, (label, colour) in enumerate(legend):
        x, y = 10 + (index % 3) * 390, legend_top + (index // 3) * 20
        out.append(f'<rect x="{x}" y="{y - 10}" width="14" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bar(event: dict, left: float, scale: float, y: float, lane_h: float) -> str:
    stage = event["giai_doan"]
    x, w = left + event["bat_dau"] * scale, max(0.5, (event["ket_thuc"] - event["bat_dau"]) * scale)
    tip = f'{stage} {event["cong"]}: {event["bat_dau"]:.2f}–{event["ket_thuc"]:.2f} s'
    if stage in PHASES and not event["cong"]:  # a stage of the whole build: a thin band at the bottom
        return (f'<rect x="{x:.1f}" y="{y + lane_h - 8}" width="{w:.1f}" height="5" fill="#bbb" stroke="#fff" '
                f'stroke-width="0.5"><title>{escape(tip)}</title></rect>'
                + (f'<text x="{x + 2:.1f}" y="{y + lane_h - 10}" fill="#555" font-size="9">{escape(stage)}</text>'
                   if w > 30 else ""))
    colour = STAGES.get(stage, ("", "#999"))[1]
    inner = stage in NESTED
    top, height = (y + 4, lane_h - 14) if inner else (y + 2, lane_h - 4)
    label = event["cong"].rsplit("-", 1)[-1] if event["cong"] else ""
    text = (f'<text x="{x + w / 2:.1f}" y="{y + lane_h / 2 + 3:.1f}" text-anchor="middle" font-size="9">'
            f'{escape(label)}</text>' if label and w > 7 * len(label) and not inner else "")
    return (f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{height:.1f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="0.5"><title>{escape(tip)}</title></rect>{text}')


def _tick(end: float) -> float:
    for step in (1, 2, 5, 10, 20, 30, 60, 120, 300):
        if end / step <= 12:
            return float(step)
    return 600.0
