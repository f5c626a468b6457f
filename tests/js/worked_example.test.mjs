// When the phone offers a skill's worked example: on the skill's first item, or when mastery is low.
import { test } from "node:test";
import assert from "node:assert/strict";
import { examplesFor, skillIsNew, workedExampleBlock } from "../../app/service_worker/worked_example.js";

const items = { a1: { id: "a1", skill: "s.a" }, a2: { id: "a2", skill: "s.a" }, b1: { id: "b1", skill: "s.b" } };
const example = { id: "we-1", problem: "What is 1/2 + 1/4?", simplified: "1/2 + 1/4 = ?", speak: "What is 1 over 2 plus 1 over 4?",
                  steps: ["1/2 = 2/4", "2/4 + 1/4 = 3/4"], said: "What is 1 over 2 plus 1 over 4? 1 over 2 equals 2 over 4" };
const doc = { text: { en: { worked_examples: { "s.a": [example] } } } };
const content = { item: (id) => items[id], packOf: (id) => (items[id] ? doc : null) };
const profile = { locale: "en", simplified: false };

test("a skill is new until one of its items is answered here or the server counts an answer", () => {
  assert.equal(skillIsNew({}, content, "s.a"), true);
  assert.equal(skillIsNew({ progress: { set1: { items: { b1: { attempts: 2 } } } } }, content, "s.a"), true);
  assert.equal(skillIsNew({ progress: { set1: { items: { a2: { attempts: 1 } } } } }, content, "s.a"), false);
  assert.equal(skillIsNew({ mastery: { "s.a": { p: 0.3, attempts: 4 } } }, content, "s.a"), false);
});

test("the example is offered when the skill is new or its mastery low, not when it goes well", () => {
  assert.equal(examplesFor({ state: {}, content, profile }, "a1").examples.length, 1);
  assert.equal(examplesFor({ state: { mastery: { "s.a": { p: 0.2, attempts: 3 } } }, content, profile }, "a1").examples.length, 1);
  assert.equal(examplesFor({ state: { mastery: { "s.a": { p: 0.8, attempts: 3 } } }, content, profile }, "a1").examples.length, 0);
  assert.equal(examplesFor({ state: {}, content, profile }, "b1").examples.length, 0);
});

test("the block shows the steps, the simple-words problem when asked, and reads the whole example aloud", () => {
  const html = String(workedExampleBlock({ state: {}, content, profile: { locale: "en", simplified: true } }, "a1", true, true));
  assert.match(html, /<details class="worked" open>/);
  assert.match(html, /1\/2 \+ 1\/4 = \?/);
  assert.match(html, /<li>1\/2 = 2\/4<\/li><li>2\/4 \+ 1\/4 = 3\/4<\/li>/);
  assert.match(html, /data-say-text="What is 1 over 2 plus 1 over 4\? 1 over 2 equals 2 over 4"/);
  assert.equal(String(workedExampleBlock({ state: { mastery: { "s.a": { p: 0.9, attempts: 9 } } }, content, profile }, "a1", false, true)), "");
});

test("in Roman letters when the student reads them, speech staying native", () => {
  const romanDoc = { ...doc, roman: { hi: { worked_examples: { "s.a": [{ id: "we-1", problem: "1/2 + 1/4 kya hai?", simplified: "1/2 + 1/4 = ?",
                                                                          steps: ["pahle", "phir"] }] } } },
                     text: { hi: { worked_examples: { "s.a": [{ ...example, problem: "1/2 + 1/4 क्या है?" }] } } } };
  const ctx = { state: {}, content: { ...content, packOf: () => romanDoc }, profile: { locale: "hi", roman: true } };
  const html = String(workedExampleBlock(ctx, "a1", true, true));
  assert.match(html, /lang="hi-Latn"/);
  assert.match(html, /1\/2 \+ 1\/4 kya hai\?/);
  assert.match(html, /<li>pahle<\/li><li>phir<\/li>/);
  assert.match(html, /data-say-text="What is 1 over 2 plus 1 over 4\? 1 over 2 equals 2 over 4"/);
});
