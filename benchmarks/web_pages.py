"""Storefront page speed on the data the stack holds: home, search (a typo query) and a product page.

    .venv/bin/python -m benchmarks.web_pages [--base-url http://127.0.0.1:8000] [--requests 20] [--loads 5]

Against a running server (`make demo`'s, or any `mkt serve`); with no server at --base-url it starts `mkt serve`
on a free port for the run and stops it afterwards.
1. Server time: the HTML response of each page (sequential GETs, p50/p95), next to the page's slowest API call
   alone (baseline measured in the same run: the trending search for home, /v1/search for search, the product
   for the product page). The ratio is what the page adds: its other API calls (made in parallel), rendering, the hop.
2. Time to content in Chromium (Debian's, via Playwright): a fresh browser context per load (no cache), from
   navigation start until the page's main content is visible (product cards on home and search, the title on the
   product page), plus the navigation's responseEnd and DOMContentLoaded. Median of --loads.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CONTENT = {"home": "[data-testid=trending] [data-testid=product-card]",
           "search": "[data-testid=results] [data-testid=product-card]",
           "product": "[data-testid=product-title]"}
TTC_JS = """(selector) => {
  const el = document.querySelector(selector);
  return el && el.getClientRects().length ? performance.now() : null;
}"""
NAV_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {responseEnd: nav.responseEnd, dcl: nav.domContentLoadedEventEnd};
}"""


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@contextmanager
def server(base_url: str):
    """The server at base_url, or one started for this run."""
    try:
        if httpx.get(f"{base_url}/readyz", timeout=10).status_code == 200:
            yield base_url
            return
    except httpx.HTTPError:
        pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mkt = str(Path(sys.executable).with_name("mkt"))
    env = {**os.environ, "RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_BURST": "10000"}
    proc = subprocess.Popen([mkt, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"mkt serve did not become ready on {url}")
            time.sleep(1)
        print(f"(started mkt serve on {url} for this run)")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def targets(http: httpx.Client) -> dict[str, tuple[str, str]]:
    """page → (page path, its baseline API path), picked from the data the stack holds."""
    top = http.get("/v1/search", params={"q": "*", "perPage": 1}).json()["hits"]
    if not top:
        raise SystemExit("The search index is empty: seed the demo world (make demo) first.")
    slug, title = top[0]["slug"], top[0]["title"]
    word = max(title.split(), key=len).lower()
    typo = word[: len(word) // 2] + word[len(word) // 2 + 1:]  # one letter dropped
    # home's baseline: its trending list's search (the recommendations answer comes from a cache in ~5 ms)
    return {"home": ("/", "/v1/search?q=*&perPage=8&facets=,"),
            "search": (f"/search?q={typo}",
                       f"/v1/search?q={typo}&perPage=12&facets=category,brand,vendor,price,rating"),
            "product": (f"/p/{slug}", f"/v1/products/{slug}")}


def timed_gets(http: httpx.Client, path: str, n: int) -> list[float]:
    http.get(path)  # warm: first-call costs (model load, connection pools) are not page time
    out = []
    for _ in range(n):
        started = time.perf_counter()
        resp = http.get(path)
        out.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, f"{path}: {resp.status_code}"
    return out


def browser_loads(base_url: str, pages: dict[str, tuple[str, str]], loads: int) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        for name, (path, _) in pages.items():
            samples = []
            for _ in range(loads + 1):  # the first load warms the server, not counted
                context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(path, wait_until="commit")
                handle = page.wait_for_function(TTC_JS, arg=CONTENT[name], timeout=60_000, polling="raf")
                ttc = handle.json_value()
                page.wait_for_load_state("load")
                samples.append({"ttc": ttc, **page.evaluate(NAV_JS)})
                context.close()
            samples = samples[1:]
            results[name] = {k: statistics.median(s[k] for s in samples) for k in ("ttc", "responseEnd", "dcl")}
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("WEB_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with server(args.base_url) as url, httpx.Client(base_url=url, timeout=60) as http:
        pages = targets(http)
        print(f"server {url}; pages: " + ", ".join(p for p, _ in pages.values()))
        print(f"\n1. Server time of the HTML response ({args.requests} sequential GETs each, ms)")
        print(f"{'page':<8} {'p50':>7} {'p95':>7} | {'API alone p50':>13} {'p95':>7} | ratio p50  (API baseline)")
        for name, (path, api_path) in pages.items():
            page_ms, api_ms = timed_gets(http, path, args.requests), timed_gets(http, api_path, args.requests)
            print(f"{name:<8} {pct(page_ms, 50):7.1f} {pct(page_ms, 95):7.1f} | {pct(api_ms, 50):13.1f} "
                  f"{pct(api_ms, 95):7.1f} | {pct(page_ms, 50) / pct(api_ms, 50):6.2f}x    ({api_path.split('?')[0]})")
        print(f"\n2. Chromium, fresh context per load, median of {args.loads} (ms from navigation start)")
        print(f"{'page':<8} {'responseEnd':>11} {'DOMContentLoaded':>17} {'content visible':>16}")
        for name, m in browser_loads(url, pages, args.loads).items():
            print(f"{name:<8} {m['responseEnd']:11.1f} {m['dcl']:17.1f} {m['ttc']:16.1f}")


if __name__ == "__main__":
    main()
