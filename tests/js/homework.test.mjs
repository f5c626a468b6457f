// The set on the phone: one definition of right (first try, no help), a summary and an ending that fit the result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { check, hint, next, outcome, reflect, startSet, summary } from "../../app/service_worker/homework.js";

const golden = JSON.parse(readFileSync(new URL("../golden/grading.json", import.meta.url), "utf8"));
const item = golden.items.int;
const right = String(item.answer);
const set = { id: "s1", kind: "practice", items: ["a", "b", "c", "d", "e"].map((id) => ({ item: id, skill: "k" })),
              reserve: [], reflection: null, extension: null };

function play(script) {
  let [progress] = startSet(set, {}, 0);
  const events = [];
  for (const steps of script) {
    for (const step of steps) {
      let more;
      if (step === "hint") [progress, more] = hint(progress, 2);
      else [progress, more] = check(progress, item, step, 1000);
      events.push(...more);
    }
    let more;
    [progress, more] = next(progress, 2000);
    events.push(...more);
  }
  return { progress, events };
}

test("a right answer after two misses (the worked solution shown) is practice, not right", () => {
  let [progress] = startSet(set, {}, 0);
  [progress] = check(progress, item, "999", 1000);
  [progress] = check(progress, item, "998", 1000);
  assert.equal(progress.items.a.solution, true);
  const [after, events, grade] = check(progress, item, right, 1000);
  assert.equal(grade.correct, true);
  assert.equal(after.items.a.last.status, "practice");
  assert.equal(after.items.a.last.shown, true);
  assert.equal(events[0].attempt, 3);  // the server sees it is a retry, and does not count it either
});

test("a right answer after a hint is practice; a first try without help is right", () => {
  let [progress] = startSet(set, {}, 0);
  [progress] = hint(progress, 2);
  [progress] = check(progress, item, right, 1000);
  assert.equal(progress.items.a.last.status, "practice");
  [progress] = next(progress, 2000);
  [progress] = check(progress, item, right, 3000);
  assert.equal(progress.items.b.last.status, "correct");
});

test("the summary counts only first tries without help as right", () => {
  const { progress } = play([[right], ["999", right], ["hint", right], ["999", "998", right], [right]]);
  const s = summary(progress);
  assert.deepEqual([s.right, s.practised, s.total], [2, 3, 5]);
  assert.equal(outcome(s), "some");
});

test("the ending fits the result: none, some, most, all", () => {
  assert.equal(outcome(summary(play([["1"], ["1"], ["1"], ["1"], ["1"]]).progress)), "none");
  assert.equal(outcome(summary(play([["999", right], ["999", right], [], [], []]).progress)), "none");
  assert.equal(outcome(summary(play([[right], [right], [right], ["9"], ["9"]]).progress)), "most");
  assert.equal(outcome(summary(play([[right], [right], [right], [right], [right]]).progress)), "all");
});

test("a set begun before firstRight was kept still counts its first answers", () => {
  const { progress } = play([[right], ["999", right], [right], [], []]);
  for (const st of Object.values(progress.items)) delete st.firstRight;
  assert.equal(summary(progress).right, 2);
});

test("the end-of-set screen never says well done for nothing right, and names a next step", async () => {
  globalThis.ABHYAS_CATALOGS = { en: { locale: "en", nplurals: 2, messages: {} } };
  const { useLocale } = await import("../../app/service_worker/i18n.js");
  const { doneScreen } = await import("../../app/service_worker/screen_item.js");
  await useLocale("en");
  const profile = { name: "Ravi", locale: "en" };
  const zero = doneScreen({ profile, progress: play([["1"], ["1"], ["1"], ["999", right], ["1"]]).progress }, false,
                          { waiting: { askedAt: new Date(2026, 11, 5, 9, 30).getTime() } });
  assert.doesNotMatch(zero, /Well done|Good work|All right/);
  assert.match(zero, /0 of 5 right at the first try/);
  assert.match(zero, /1 more right after help: that is practice/);
  assert.match(zero, /worked solutions/);
  assert.match(zero, /Your teacher was asked on 5 Dec, 09:30 to check/);  // 24-hour: no "AM" inside another language
  const all = doneScreen({ profile, progress: play([[right], [right], [right], [right], [right]]).progress }, true);
  assert.match(all, /All right at the first try/);
  assert.match(all, /5 of 5 right/);
});

test("a one-tap confidence beside the free text is recorded as the packs' confidence prompt", () => {
  let [progress] = startSet({ ...set, reflection: "explain_friend" }, {}, 0);
  progress.stage = "reflection";
  const [, events] = reflect(progress, "Bigger bottom, smaller pieces", 5000, "3");
  assert.deepEqual(events.filter((e) => e.type === "reflection").map((e) => [e.prompt, e.value]),
                   [["explain_friend", "Bigger bottom, smaller pieces"], ["confidence", "3"]]);
  let [other] = startSet({ ...set, reflection: "explain_friend" }, {}, 0);
  other.stage = "reflection";
  const [, none] = reflect(other, "", 5000, "");
  assert.equal(none.filter((e) => e.type === "reflection").length, 0);
});

test("the reflection prompt comes from the set's own pack, not another pack's prompt of the same id", async () => {
  globalThis.ABHYAS_CATALOGS = { en: { locale: "en", nplurals: 2, messages: {} } };
  const { useLocale } = await import("../../app/service_worker/i18n.js");
  const { reflectionScreen } = await import("../../app/service_worker/screen_item.js");
  await useLocale("en");
  const doc = (pack, text, items) => ({
    pack, items: Object.fromEntries(items.map((i) => [i, {}])),
    meta: { reflections: [{ id: "explain_friend", kind: "text" }, { id: "confidence", kind: "scale" }] },
    text: { en: { reflections: { explain_friend: { text, options: [] },
                                 confidence: { text: "How sure were you?", options: ["Not sure", "Sure"] } } } } });
  const algebra = doc("algebra-7", "How would you explain substituting x?", ["alg1"]);
  const fractions = doc("fractions-6", "Why is 1/8 smaller than 1/4?", ["a", "b"]);
  const content = { packs: [algebra, fractions], packOf: (id) => [algebra, fractions].find((d) => d.items[id]) || null };
  let [progress] = startSet({ ...set, reflection: "explain_friend" }, {}, 0);
  const html = reflectionScreen({ profile: { name: "Ravi", locale: "en" }, progress, content });
  assert.match(html, /Why is 1\/8 smaller than 1\/4\?/);
  assert.doesNotMatch(html, /substituting x/);
  assert.match(html, /name="confidence" value="1"/);
  assert.match(html, /textarea/);
});

test("a nudge on opening says why: days since the last practice, or review due", async () => {
  globalThis.ABHYAS_CATALOGS = { en: { locale: "en", nplurals: 2, messages: {} } };
  const { useLocale } = await import("../../app/service_worker/i18n.js");
  const { nudgeLine, lastPractice } = await import("../../app/service_worker/screen_item.js");
  await useLocale("en");
  const day = 86400000;
  const now = Date.UTC(2026, 11, 10);
  const { progress } = play([[right], [right], [right], [right], [right]]);
  progress.ended = now - 3 * day;
  progress.started = now - 3 * day - 600000;
  for (const st of Object.values(progress.items)) st.shownAt = now - 3 * day - 300000;
  const state = { progress: { [progress.id]: progress } };
  assert.equal(lastPractice(state), now - 3 * day);
  const doc = { pack: "p", items: { r1: {} }, text: { en: { skills: { k: "Comparing integers" } } } };
  const content = { packs: [doc], packOf: () => doc };
  const review = { items: [{ item: "r1", skill: "k", reason: "micro_check" }] };
  assert.match(nudgeLine(state, review, content, "en", now), /It has been 3 days since you last practised/);
  assert.match(nudgeLine(state, review, content, "en", now - 2 * day), /Review is due: you learned Comparing integers/);
  assert.equal(nudgeLine(state, set, content, "en", now - 2 * day), null);
  assert.equal(nudgeLine({ progress: {} }, set, content, "en", now), null);  // a first visit: nothing to nudge
});
