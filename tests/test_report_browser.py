"""The findings view in a real browser (issue 20): headless Chromium, driven through the
DevTools protocol over a pipe (``--remote-debugging-pipe``: no websocket library, no port),
loads the index from a loopback server, opens 002's page, clicks the ARITH-PARENT-SUM finding
and reads the highlighted cell."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import select
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fiscal_kg.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PARENT_SUM_20801 = "636f2833230e4c33"  # ARITH-PARENT-SUM on 002's line 218 (20801)
TIMEOUT = 30.0
TRAMPOLINE = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
              "os.execv(sys.argv[3], sys.argv[3:])")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed and could not be (make test and .ci/run install "
    "it with apt-get where apt-get can)",
)


class Browser:
    """Headless Chromium with one page, spoken to in CDP messages (NUL-separated JSON on fds
    3 and 4 of the browser)."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        # Chromium reads fd 3 and writes fd 4: a Python trampoline puts the pipes there and
        # execs it (a preexec_fn would not be safe beside the test's server thread)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", TRAMPOLINE, str(to_browser), str(from_browser),
             CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "--window-size=1400,1000", "about:blank"],
            pass_fds=(to_browser, from_browser),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._id = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def send(self, method: str, session: str | None = None, **params: object) -> dict:
        self._id += 1
        message: dict = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" not in self._buffer:
                ready, _, _ = select.select([self._read], [], [], deadline - time.monotonic())
                if not ready:
                    raise TimeoutError(f"no answer to {method} in {TIMEOUT} s")
                chunk = os.read(self._read, 1 << 16)
                if not chunk:
                    raise ConnectionError("the browser closed the pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._id:  # events and other answers pass by
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]

    def page(self, method: str, **params: object) -> dict:
        return self.send(method, self.session, **params)

    def js(self, expression: str) -> object:
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def wait_for(self, expression: str) -> object:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                value = self.js(expression)
            except RuntimeError as error:  # asked while a click's navigation replaced the page
                if "navigated or closed" not in str(error):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"never true: {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed, released) in the middle of the element's first box (a
        link wrapped over two lines has nothing of it in the middle of its bounding box)."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                      "e.scrollIntoView({block: 'center'}); const r = e.getClientRects()[0];"
                      "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        x, y = box  # type: ignore[misc]
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.page("Page.captureScreenshot",
                                                    format="png")["data"]))

    def close(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError, RuntimeError, OSError):
            self.send("Browser.close")  # a browser that died already is closed too
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._write)
        os.close(self._read)


@pytest.fixture()
def served_report(sample_store_dir: Path, tmp_path: Path):
    """``fiscal-kg report`` of the samples, served by http.server on a loopback port."""
    site = tmp_path / "site"
    assert main(["report", "--store", str(sample_store_dir), "--out", str(site)]) == 0
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def browser(tmp_path: Path):
    chromium = Browser(tmp_path / "profile")
    yield chromium
    chromium.close()


def test_clicking_the_finding_highlights_352_15_in_002s_table(
    served_report: str, browser: Browser, tmp_path: Path
) -> None:
    browser.page("Page.navigate", url=served_report + "index.html")
    browser.wait_for("document.readyState === 'complete' && !!document.getElementById('filter')")
    assert browser.js("document.querySelectorAll('#documents tbody tr').length") == 5

    # the index filters and sorts in the page itself
    browser.js("const f = document.getElementById('filter'); f.value = '克孜勒苏';"
               "f.dispatchEvent(new Event('input'))")
    assert browser.js("[...document.querySelectorAll('#documents tbody tr')]"
                      ".filter(r => !r.hidden).map(r => r.cells[0].textContent)") == [
        "克孜勒苏柯尔克孜自治州社会保险中心"]
    browser.js("const g = document.getElementById('filter'); g.value = '';"
               "g.dispatchEvent(new Event('input'))")
    browser.click("#documents th:nth-child(3)")  # 年度 year, ascending
    assert browser.js("[...document.querySelectorAll('#documents tbody tr')]"
                      ".map(r => r.cells[2].textContent)") == [
        "2022", "2023", "2023", "2023", "2024"]

    # open 002's page from its link, as a reader would
    browser.click("a[href$='afbc89d0428c/2022/unstated/budget.html']")
    browser.wait_for("location.pathname.endsWith('/unstated/budget.html')"
                     " && document.readyState === 'complete'")
    assert browser.js("document.querySelector('.hl')") is None
    browser.click(f"#finding-{PARENT_SUM_20801} a.goto")
    highlighted = browser.wait_for(
        "[...document.querySelectorAll('.hl')].map(e => [e.id, e.textContent])")
    assert highlighted == [["cell-218-5", "352.15"]]
    assert browser.js("location.hash") == f"#finding-{PARENT_SUM_20801}"  # a link to share
    assert browser.js("document.querySelector('.finding.selected').id") == (
        f"finding-{PARENT_SUM_20801}")
    assert browser.js("[...document.querySelectorAll('.hl-related')].map(e => e.id)") == [
        "row-219"]  # the sub-item adding up to 303.87
    assert browser.js("document.getElementById('row-219').cells[2].textContent") == "303.87"
    assert browser.js("getComputedStyle(document.getElementById('cell-218-5'))"
                      ".backgroundColor") == "rgb(255, 233, 168)"
    # the cell is on screen, beside the finding
    assert browser.js("(() => { const r = document.getElementById('cell-218-5')"
                      ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;"
                      " })()") is True
    shot = tmp_path / "002-arith-parent-sum.png"
    browser.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.fixture()
def served_store(tmp_path: Path):
    """``fiscal-kg serve`` over sample 002 (loaded and validated), on a loopback port."""
    from conftest import free_port, stop, wait_for_sparql

    store = tmp_path / "store"
    sample = Path(__file__).resolve().parents[1] / "samples/reports/002_0692fe3ff6bbe2a2.txt"
    assert main(["load", "--validate", "--store", str(store), str(sample)]) == 1  # Violations
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store),
                             "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for_sparql(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def test_the_query_page_runs_a_named_query_from_its_form(
    served_store: str, browser: Browser, tmp_path: Path
) -> None:
    browser.page("Page.navigate", url=served_store + "/findings/")
    browser.wait_for("document.readyState === 'complete' && !!document.getElementById('filter')")
    browser.click("a[href='query']")  # the index links to the query page
    browser.wait_for("location.pathname === '/findings/query'"
                     " && document.readyState === 'complete'")
    browser.click("nav.queries a[href$='name=where-from']")
    # the chosen query's own page, loaded (not the page the click leaves, which is still there
    # for a moment: values typed into it would be lost with it)
    browser.wait_for("new URLSearchParams(location.search).get('name') === 'where-from'"
                     " && document.readyState === 'complete'"
                     " && !!document.querySelector('#named-form input[name=line]')")
    browser.js("document.querySelector('#named-form input[name=document]').value ="
               " '002_0692fe3ff6bbe2a2.txt';"
               "document.querySelector('#named-form input[name=line]').value = '218'")
    browser.click("#named-form button[name=run]")
    browser.wait_for("!!document.querySelector('table.results tbody tr')")
    row = browser.js("[...document.querySelectorAll('table.results tbody tr')]"
                     ".map(r => [...r.cells].map(c => c.textContent))"
                     ".find(cells => cells[0].endsWith('/cell/218-5'))")
    assert row[9:12] == ["218", "352.15", "352.15"]  # line, raw, amount: plain numbers
    assert browser.js("document.querySelector('table.results a').getAttribute('href')"
                      ".startsWith('/findings/doc/afbc89d0428c/2022/unstated/budget.html#cell-')")
    browser.screenshot(tmp_path / "query-page.png")
