"""Student app load on a Moto G4 over Slow 3G with a 4x slower CPU: cold first visit, then offline.

Run: .venv/bin/python bench/student_load.py [--typing 15] [--json]

Starts the production server (gunicorn) on a temporary instance with the sample and
fractions-6 packs and the demo, then drives Debian's Chromium through the DevTools
protocol: Network.emulateNetworkConditions (400 kbps down and up, 2000 ms request latency,
as DevTools' Slow 3G) and Emulation.setCPUThrottlingRate 4 on the page. The service worker
is a separate target that page-level throttling does not reach; the bench attaches to it
before it runs (Target.setAutoAttach, waitForDebuggerOnStart) and throttles its network too.

Figures printed:
- cold: bytes on the wire and requests (page and worker), the critical path (the shell's
  document and scripts: requests, brotli bytes), the join form usable (its first paint: an
  inline boot script in the head holds a tap until the scripts run), the time the worker is
  ready, and the time from tapping Join to the first question being usable. The last two
  moments are read on the page's own clock (the click event's timestamp; the first DOM change
  after which the question can be used), so harness round trips do not count. A student needs time to type the class
  code and PIN (--typing seconds, default 15); the worker installs and the packs download
  meanwhile. "First question" cold = join form usable + (Join tap -> question usable).
- offline repeat visit: the browser offline, the page reopened: time to a usable first
  question, and bytes and requests on the network (none).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.phone import ARGS, CHROMIUM, context_options  # noqa: E402
from e2e.server import AbhyasServer  # noqa: E402

SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8}
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
CPU_SLOWDOWN = 4
BUDGETS = {"shell_br_bytes": 45 * 1024, "critical_requests": 3, "first_question_cold_s": 5.0,
           "first_question_offline_s": 1.0}
CRITICAL_TYPES = ("Document", "Script", "Stylesheet")


class Wire:
    """Network bytes and requests seen by the page and by its service worker, via DevTools."""

    def __init__(self):
        self.requests = {}   # (target, request id) -> {url, type, bytes, start, end, from_worker}
        self.messages = 0

    def on_event(self, target: str, method: str, params: dict) -> None:
        """Record one Network.* event of a target."""
        key = (target, params.get("requestId"))
        if method == "Network.requestWillBeSent":
            self.requests[key] = {"url": params["request"]["url"], "type": params.get("type", "Other"),
                                  "bytes": 0, "start": time.monotonic(), "end": None, "from_worker": False,
                                  "target": target, "cached": False}
        elif key in self.requests:
            entry = self.requests[key]
            if method == "Network.responseReceived":
                response = params["response"]
                entry["from_worker"] = bool(response.get("fromServiceWorker"))
                entry["cached"] = bool(response.get("fromDiskCache")) or bool(response.get("fromPrefetchCache"))
                entry["encoding"] = {k.lower(): v for k, v in response.get("headers", {}).items()}.get("content-encoding")
            elif method == "Network.requestServedFromCache":
                entry["cached"] = True
            elif method == "Network.loadingFinished":
                entry["bytes"] = params.get("encodedDataLength", 0)
                entry["end"] = time.monotonic()
            elif method == "Network.loadingFailed":
                entry["end"] = time.monotonic()
                entry["failed"] = params.get("errorText")

    def on_network(self, since: float) -> list:
        """Finished requests after `since` that went to the network (not answered by the worker or a cache).

        Offline, Chromium still tries the favicon outside the worker; an attempt that never
        completes puts nothing on the wire and is not counted.
        """
        return [r for r in self.requests.values()
                if r["start"] >= since and not r["from_worker"] and not r["cached"] and not r.get("failed")
                and r["end"] is not None and r["url"].startswith("http")]


def attach(context, page, wire: Wire, conditions: dict):
    """Throttle the page and, before it runs, its service worker; collect both targets' network events."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    for method in ("Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished",
                   "Network.loadingFailed", "Network.requestServedFromCache"):
        cdp.on(method, lambda params, m=method: wire.on_event("page", m, params))
    ids = iter(range(1, 10 ** 9))
    workers = {}

    def to_worker(session_id, method, params=None):
        cdp.send("Target.sendMessageToTarget", {"sessionId": session_id, "message": json.dumps(
            {"id": next(ids), "method": method, "params": params or {}})})

    def attached(event):
        session_id = event["sessionId"]
        if event["targetInfo"]["type"] == "service_worker":
            workers[session_id] = event["targetInfo"]["url"]
            to_worker(session_id, "Network.enable")
            if "--trace" in sys.argv:  # the worker's console, to see where its time goes
                to_worker(session_id, "Runtime.enable")
            to_worker(session_id, "Network.emulateNetworkConditions", workers.get("conditions", conditions))
        if event.get("waitingForDebugger"):
            to_worker(session_id, "Runtime.runIfWaitingForDebugger")

    def message(event):
        data = json.loads(event["message"])
        if data.get("method") == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in data["params"].get("args", []))
            print(f"worker console at {time.monotonic():.2f}: {args}", file=sys.stderr)
        if data.get("method", "").startswith("Network."):
            wire.on_event(f"worker:{event['sessionId']}", data["method"], data.get("params", {}))

    cdp.on("Target.attachedToTarget", attached)
    cdp.on("Target.receivedMessageFromTarget", message)
    cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False})

    def set_conditions(new):
        cdp.send("Network.emulateNetworkConditions", new)
        for session_id in [s for s in workers if s != "conditions"]:
            to_worker(session_id, "Network.emulateNetworkConditions", new)
        workers["conditions"] = new

    return cdp, set_conditions


def worker_script_bytes(url: str) -> int:
    """/sw.js as it travels: brotli body plus a typical header block."""
    import urllib.request
    request = urllib.request.Request(url + "/sw.js", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request) as response:
        return len(response.read()) + len(str(response.headers))


QUESTION_USABLE_JS = (
    "() => { const f = document.querySelector('#app [data-item] input[name=answer]:not([readonly]), "
    "#app [data-item] input[type=radio]:not([disabled])'); "
    "const b = document.querySelector('#app [data-item] button[type=submit]:not([disabled])'); "
    "return !!(f && b && window.htmx && f.getBoundingClientRect().height > 0); }")

# Timestamps on the page's clock: the Join click as the browser dispatches it, and the first DOM
# change after which the question can be used (no harness round trips or polling in between).
WATCH_TAP_AND_QUESTION = """() => {
  const usable = %s;
  document.addEventListener("click", (e) => { if (!window.__tapAt) window.__tapAt = e.timeStamp; }, true);
  new MutationObserver((_, observer) => {
    if (window.__tapAt && usable()) { window.__questionAt = performance.now(); observer.disconnect(); }
  }).observe(document.getElementById("app"), {childList: true, subtree: true, attributes: true});
}""" % QUESTION_USABLE_JS  # noqa: UP031 - % keeps the JavaScript's braces literal


def usable_question(page, timeout_ms: int = 120000) -> None:
    """Wait until the first question's answer field (or choices) and Check button can be used."""
    page.wait_for_function(QUESTION_USABLE_JS, timeout=timeout_ms)


def one_visit(playwright, browser, server, class_code: str, student: dict, typing: float) -> dict:
    """One phone's cold first visit, then its offline repeat visit: the figures of that run."""
    context = browser.new_context(**context_options(playwright))
    page = context.new_page()
    wire = Wire()
    _cdp, set_conditions = attach(context, page, wire, SLOW_3G)

    start = time.monotonic()
    page.goto(server.url + "/", wait_until="commit")
    # The boot script sits in the head, before the form: once the form shows, a Join tap is
    # kept (and sent when htmx and the worker are up), so the student can type and tap.
    page.get_by_role("textbox", name="Class code").wait_for(timeout=120000)
    # On the page's own clock (from navigation start): the first paint, which shows the form.
    form_usable = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || "
                                "{startTime: performance.now()}).startTime") / 1000
    page.wait_for_function("() => !!window.htmx && !!window.abhyasReady", timeout=120000)
    scripts_ready = time.monotonic() - start
    critical = [r for r in wire.requests.values() if r["target"] == "page" and r["type"] in CRITICAL_TYPES
                and r["start"] - start < scripts_ready]
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=180000)
    worker_ready = time.monotonic() - start
    page.wait_for_timeout(max(0.0, typing - (time.monotonic() - start - form_usable)) * 1000)
    page.get_by_role("textbox", name="Class code").fill(class_code)
    page.get_by_role("textbox", name="PIN").fill(student["pin"])
    page.evaluate(WATCH_TAP_AND_QUESTION)
    tap = time.monotonic()
    page.get_by_role("button", name="Join").click()
    usable_question(page)
    # The page's clock: from the tap's click event to the first mutation that made the question usable.
    join_to_question = page.evaluate("() => (window.__questionAt - window.__tapAt) / 1000")
    if "--trace" in sys.argv:
        timing = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; "
                               "const p = performance.getEntriesByType('paint'); return {responseEnd: n.responseEnd, "
                               "interactive: n.domInteractive, dcl: n.domContentLoadedEventEnd, "
                               "paints: p.map(e => [e.name, e.startTime])}; }")
        print("navigation timing (ms from navigation start):", timing, file=sys.stderr)
        for r in sorted(wire.requests.values(), key=lambda r: r["start"]):
            print(f"{r['start'] - start:7.2f} {(r['end'] or 0) - start:7.2f} {r['target'][:12]:12} {r['type']:10} "
                  f"{r['bytes']:>7} w={int(r['from_worker'])} c={int(r['cached'])} {r['url'][-70:]}", file=sys.stderr)
        print(f"tap at {tap - start:.2f}", file=sys.stderr)
    page.wait_for_timeout(3000)  # let the read-aloud clips and the rest settle before counting
    cold_wire = wire.on_network(start)
    if not any(r["url"].endswith("/sw.js") and r["bytes"] > 5000 for r in cold_wire):
        # The browser fetches the worker's own script outside both targets: count it by hand.
        cold_wire.append({"url": server.url + "/sw.js", "bytes": worker_script_bytes(server.url)})

    set_conditions(OFFLINE)
    context.set_offline(True)
    page.goto("about:blank")
    offline_start = time.monotonic()
    page.goto(server.url + "/", wait_until="commit")
    usable_question(page, 20000)
    offline_question = time.monotonic() - offline_start
    offline_wire = wire.on_network(offline_start)
    context.close()
    return {
        "cold": {
            "bytes_on_wire": sum(r["bytes"] for r in cold_wire),
            "requests": len(cold_wire),
            "critical_requests": len(critical),
            "critical": [r["url"].split("/", 3)[-1] or "/" for r in critical],
            "shell_br_bytes": sum(r["bytes"] for r in critical),
            "join_form_usable_s": round(form_usable, 2),
            "scripts_ready_s": round(scripts_ready, 2),
            "worker_ready_s": round(worker_ready, 2),
            "join_tap_to_question_s": round(join_to_question, 2),
            "first_question_s": round(form_usable + join_to_question, 2),
        },
        "offline_repeat": {
            "bytes_on_wire": sum(r["bytes"] for r in offline_wire),
            "requests": len(offline_wire),
            "first_question_s": round(offline_question, 2),
        },
    }


def run(typing: float, runs: int) -> dict:
    """Measure `runs` phones' cold first visits and offline repeat visits; the median of each figure, and each run."""
    from playwright.sync_api import sync_playwright
    instance = Path(tempfile.mkdtemp(prefix="abhyas-bench-"))
    server = AbhyasServer(instance)
    try:
        server.start_with_demo()
        visits = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for number in range(runs):
                student = server.add_student(f"Bench {number + 1}", "en")  # a new student: a truly first join
                visits.append(one_visit(playwright, browser, server, server.demo["class_code"], student, typing))
            browser.close()
    finally:
        server.stop()
    figures = {"conditions": {"latency_ms": SLOW_3G["latency"], "down_kbps": 400, "up_kbps": 400,
                              "cpu_slowdown": CPU_SLOWDOWN, "device": "Moto G4", "typing_s": typing, "runs": runs},
               "budgets": BUDGETS, "runs": visits}
    for part in ("cold", "offline_repeat"):
        figures[part] = {key: (statistics.median(v[part][key] for v in visits)
                               if isinstance(value, (int, float)) else value)
                         for key, value in visits[0][part].items()}
        figures[part]["range"] = {key: [min(v[part][key] for v in visits), max(v[part][key] for v in visits)]
                                  for key, value in visits[0][part].items() if key.endswith("_s")}
    return figures


def main() -> int:
    """Print the figures (a table, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--typing", type=float, default=15.0, help="seconds a student takes to type code and PIN")
    parser.add_argument("--runs", type=int, default=3, help="phones measured one after another; figures are medians")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--trace", action="store_true", help="list every request with its timing on stderr")
    parser.add_argument("--latency", type=int, default=2000,
                        help="request latency in ms: 2000 as DevTools' Slow 3G preset, 400 as the design brief's RTT")
    args = parser.parse_args()
    SLOW_3G["latency"] = args.latency
    figures = run(args.typing, args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    cold, offline = figures["cold"], figures["offline_repeat"]
    print(f"Student app load: Moto G4, Slow 3G (400 kbps, {SLOW_3G['latency']} ms latency), CPU 4x slower; "
          f"median of {args.runs} phones (range in brackets)")
    spread = {**{f"cold.{k}": v for k, v in cold["range"].items()}, **{f"offline.{k}": v for k, v in offline["range"].items()}}

    def span(key):
        low, high = spread[key]
        return f"[{low:.2f}-{high:.2f}]"
    print(f"cold   bytes on the wire          {cold['bytes_on_wire']:>9,} B in {cold['requests']} requests")
    print(f"cold   shell (critical path)      {cold['shell_br_bytes']:>9,} B in {cold['critical_requests']} requests "
          f"({', '.join(cold['critical'])})   budget <= 45 KB, <= 3")
    print(f"cold   join form usable           {cold['join_form_usable_s']:>9.2f} s {span('cold.join_form_usable_s')}")
    print(f"cold   htmx and app.js running    {cold['scripts_ready_s']:>9.2f} s {span('cold.scripts_ready_s')}")
    print(f"cold   worker installed           {cold['worker_ready_s']:>9.2f} s {span('cold.worker_ready_s')}")
    print(f"cold   Join tap -> question       {cold['join_tap_to_question_s']:>9.2f} s {span('cold.join_tap_to_question_s')}")
    print(f"cold   first question (no typing) {cold['first_question_s']:>9.2f} s {span('cold.first_question_s')}   "
          "budget <= 5 s")
    print(f"offline repeat visit: question    {offline['first_question_s']:>9.2f} s {span('offline.first_question_s')}   "
          "budget <= 1 s; "
          f"{offline['bytes_on_wire']} B in {offline['requests']} requests on the network")
    return 0


if __name__ == "__main__":
    sys.exit(main())
