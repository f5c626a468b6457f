// A figure on the phone: the shared drawing named with this locale's alt text, its words put back, escaped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { figureHtml } from "../../app/service_worker/figure.js";

const shared = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 90" role="img"><text x="1" y="2">\ue0000\ue001</text>'
  + '<text x="3" y="4">\ue0001\ue001</text><text x="5" y="6">7</text></svg>';

test("a shared drawing gets the locale's name and words", () => {
  const html = String(figureHtml({ alt: "স্তম্ভলেখ: সোম 4", labels: ["সোম", "<b>&"] }, shared, "bn"));
  assert.match(html, /^<div class="figure" lang="bn"><svg aria-label="স্তম্ভলেখ: সোম 4" xmlns=/);
  assert.match(html, /<text x="1" y="2">সোম<\/text><text x="3" y="4">&lt;b&gt;&amp;<\/text><text x="5" y="6">7<\/text>/);
  assert.doesNotMatch(html, /\ue000/);
});

test("a locale's own drawing wins over the shared one; no drawing, no figure", () => {
  const own = '<svg viewBox="0 0 1 1" role="img"></svg>';
  assert.match(String(figureHtml({ alt: "x", svg: own }, shared, "hi")), /<svg aria-label="x" viewBox/);
  assert.equal(figureHtml(null, shared, "en"), "");
  assert.equal(figureHtml({ alt: "x" }, null, "en"), "");
});

test("markup that could run code or lead elsewhere is not shown", () => {
  for (const bad of ['<svg viewBox="0 0 1 1"><script>x()</script></svg>', '<svg viewBox="0 0 1 1" onload="x()"></svg>',
    '<svg viewBox="0 0 1 1"><a href="https://evil.example/">x</a></svg>', '<svg><foreignObject></foreignObject></svg>',
    '<img src="x">']) {
    assert.equal(figureHtml({ alt: "x", svg: bad }, null, "en"), "", bad);
  }
  assert.notEqual(figureHtml({ alt: "x", svg: '<svg viewBox="0 0 1 1"><use href="#a"/></svg>' }, null, "en"), "");
});
