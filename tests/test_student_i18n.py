"""The worker's UI strings (i18n.js) and HTML escaping (render.js), run in node against the real catalogs."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SW = ROOT / "app" / "service_worker"
STATIC_I18N = ROOT / "app" / "static" / "i18n"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

SCRIPT = """
import { readFileSync } from "node:fs";
globalThis.caches = { match: async (url) => {
  try { return new Response(readFileSync("%(static)s" + url.replace("/static/i18n", ""))); } catch { return undefined; }
} };
globalThis.fetch = async () => { throw new Error("offline"); };
const i18n = await import("%(sw)s/i18n.js");
const render = await import("%(sw)s/render.js");
const out = {};
for (const loc of ["en", "hi", "ta", "bn", "mr", "xx"]) {
  await i18n.useLocale(loc);
  out[loc] = { locale: i18n.currentLocale(), check: i18n._("Check"), missing: i18n._("No such string %%(n)s", { n: 7 }),
    question: i18n._("Question %%(n)d of %%(total)d", { n: 2, total: 5 }),
    plural: [0, 1, 2].map((n) => i18n.ngettext("%%(num)d answer waiting to sync", "%%(num)d answers waiting to sync", n)) };
}
const evil = '<img src=x onerror="alert(1)">' + "'";
out.escaped = render.h`<p title="${evil}">${evil}</p>`.text;
out.raw = render.h`<div>${render.raw("<b>ok</b>")}${[1, "<", null, false]}</div>`.text;
await i18n.useLocale("en");
out.screen = render.screen({ id: "p1", name: "Asha <3", locale: "en", simplified: true }, "item", render.h`<p>x</p>`, { nav: "start" });
render.drawChrome(false);
out.bare = render.screen({ id: "p1", name: "Asha", locale: "en" }, "item", render.h`<p>x</p>`);
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def result():
    """Run the script in node with the exported catalogs standing in for the worker's cache."""
    if not (STATIC_I18N / "en.json").exists():
        subprocess.run(["python", "-m", "app.i18n.catalogs"], cwd=ROOT, check=True)
    out = subprocess.run(["node", "--input-type=module", "-e", SCRIPT % {"sw": SW.as_posix(), "static": STATIC_I18N.as_posix()}],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _catalog(locale):
    return json.loads((STATIC_I18N / f"{locale}.json").read_text(encoding="utf-8"))["messages"]


def test_strings_come_from_the_exported_catalogs(result):
    """Each locale's "Check" is the catalog's; placeholders are filled; unknown locales fall back to English."""
    for locale in ("en", "hi", "ta", "bn", "mr"):
        assert result[locale]["check"] == _catalog(locale)["Check"]
        assert re.search(r"\b2\b", result[locale]["question"]) and "5" in result[locale]["question"]
        assert result[locale]["missing"] == "No such string 7"
    assert result["xx"]["locale"] == "en" and result["xx"]["check"] == "Check"


def test_plurals_follow_cldr(result):
    """English says "0 answers"; Hindi and Bengali use the singular for 0 and 1, as CLDR says."""
    assert result["en"]["plural"] == ["0 answers waiting to sync", "1 answer waiting to sync", "2 answers waiting to sync"]
    for locale in ("hi", "bn"):
        forms = _catalog(locale)["%(num)d answer waiting to sync"]
        assert result[locale]["plural"] == [forms[0].replace("%(num)d", "0"), forms[0].replace("%(num)d", "1"),
                                             forms[1].replace("%(num)d", "2")]


def test_html_is_escaped_unless_marked_raw(result):
    """Text from packs and the server can never inject markup into a screen."""
    assert "<img" not in result["escaped"] and "&lt;img" in result["escaped"] and "&quot;" in result["escaped"]
    assert "&#39;" in result["escaped"]
    assert result["raw"] == "<div><b>ok</b>1&lt;</div>"


def test_a_screen_carries_the_bar_sync_button_and_switches_out_of_band(result):
    """Full screens redraw the shared parts; screens after an answer leave them alone."""
    screen = result["screen"]
    assert 'data-screen="item"' in screen and 'data-lang="en"' in screen
    assert 'id="bar" hx-swap-oob="true"' in screen and "Asha &lt;3" in screen
    assert 'hx-post="/app/sync"' in screen and 'id="pref-locale"' in screen and "checked" in screen
    assert 'aria-current="page">Homework' in re.sub(r"\s+", " ", screen)
    assert "hx-swap-oob" not in result["bare"]
