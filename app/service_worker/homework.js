// A "five by one" set on the phone: five items (a misconception swaps in remediation from
// the set's reserve, via select.js), one reflection, one optional extension. The progress
// lives in the profile's state and changes only together with the events that explain it.

import { gradeResponse } from "./grade.js";
import { nextInSet } from "./select.js";

export const MAX_HINT_EVENT = 3;   // the event schema's limit on a hint's number
const MAX_SECONDS_ON_ITEM = 1800;  // an app left open overnight is not time on task
const MAX_RESPONSE = 40;

/** The set to work on: the one in progress, else the first released one not yet finished. */
export function activeSet(state) {
  const progress = state.progress || {};
  const inProgress = Object.values(progress).find((p) => p.stage !== "done");
  if (inProgress) return { set: inProgress.set, progress: inProgress };
  const set = (state.sets || []).find((s) => s.status === "released" && !(progress[s.id]));
  return set ? { set, progress: null } : null;
}

/** Sets the server proposed that still wait for the teacher. */
export function waitingSets(state) {
  return (state.sets || []).filter((s) => s.status === "proposed");
}

/** {askedAt} when a set waits for the teacher (asked when it was made), else null. */
export function waitingFor(state) {
  const waiting = waitingSets(state);
  if (!waiting.length) return null;
  const at = Math.min(...waiting.map((s) => Number(s.generated_at) || Infinity));
  return { askedAt: Number.isFinite(at) ? at * 1000 : null };
}

function itemState() {
  return { attempts: 0, correct: false, firstRight: false, hints: 0, solution: false, last: null, shownAt: 0, secs: 0,
           finished: false };
}

/** Start a set: pin the pack versions it is played with, show its first item. Returns [progress, events]. */
export function startSet(set, versions, now = Date.now()) {
  const progress = { id: set.id, set, pins: { ...versions }, started: now, stage: "items", answers: [],
                     items: {}, current: null, reflection: null, extension: null };
  return advance(progress, now);
}

/** The items the set will play, in order, after in-set adaptation. */
export function plan(progress) {
  return nextInSet(progress.set, progress.answers);
}

/** Entry (item, skill, reason, why) for an item of the set or its reserve. */
export function entryFor(progress, itemId) {
  const set = progress.set;
  return (set.items || []).find((e) => e.item === itemId)
    || (set.reserve || []).find((e) => e.item === itemId)
    || (set.extension && set.extension.item === itemId ? set.extension : null)
    || { item: itemId };
}

function show(progress, itemId, now) {
  progress.current = itemId;
  const st = progress.items[itemId] || (progress.items[itemId] = itemState());
  st.shownAt = now;
  return [{ type: "shown", item: itemId, set: progress.id }];
}

/** Move to what comes next (item, reflection, extension, done). Returns [progress, events]. */
export function advance(progress, now = Date.now()) {
  if (progress.stage === "items") {
    const queue = plan(progress).queue;
    const next = queue.find((id) => !(progress.items[id] && progress.items[id].finished));
    if (next) return [progress, show(progress, next, now)];
    progress.current = null;
    progress.stage = progress.set.reflection ? "reflection" : "extension";
  }
  if (progress.stage === "reflection") return [progress, []];
  if (progress.stage === "extension") {
    const ext = progress.set.extension;
    if (ext && ext.item && !(progress.items[ext.item] && progress.items[ext.item].finished)) {
      if (progress.current === ext.item) return [progress, []];
      return [progress, show(progress, ext.item, now)];
    }
    progress.stage = "done";
    progress.current = null;
    progress.ended = now;
  }
  return [progress, []];
}

/** Where the student is: {n, total} over the set's items (the extension is extra). */
export function position(progress) {
  const queue = plan(progress).queue;
  const finished = queue.filter((id) => progress.items[id] && progress.items[id].finished).length;
  const onScreen = progress.stage === "items" ? 1 : 0;
  return { n: Math.min(queue.length, finished + onScreen), total: queue.length, finished };
}

/** Grade an answer to the item on screen. Returns [progress, events, grade] (no events for an empty answer). */
export function check(progress, item, raw, now = Date.now()) {
  const id = progress.current;
  const st = progress.items[id];
  const text = String(raw ?? "").trim().slice(0, MAX_RESPONSE);
  if (st.correct) return [progress, [], st.last];
  if (!text) {
    st.last = { status: "empty" };
    return [progress, [], st.last];
  }
  const grade = gradeResponse(item, text);
  if (grade.status === "unparsed") {
    // A typo that is not a number is not an answer: say how to write one, count nothing.
    st.last = { status: "unparsed", r: text };
    return [progress, [], st.last];
  }
  st.attempts += 1;
  // "Right" means right at the first try without help, here as on the server: a later right
  // answer (after feedback, a hint or the worked solution) is practice, and says so.
  const helped = st.attempts > 1 || st.hints > 0;
  if (st.attempts === 1) st.firstRight = grade.correct && st.hints === 0;
  st.correct = st.correct || grade.correct;
  st.last = { status: grade.correct && helped ? "practice" : grade.status, mc: grade.misconception, r: text,
              shown: grade.correct && helped ? !!st.solution : undefined };
  if (!grade.correct && st.attempts >= 2) st.solution = true;
  if (st.attempts === 1 && progress.stage === "items") {
    progress.answers.push({ item: id, correct: grade.correct, misconception: grade.misconception });
  }
  const secs = Math.round(Math.min(MAX_SECONDS_ON_ITEM, (now - st.shownAt) / 1000));
  const event = { type: "answer", item: id, set: progress.id, r: text, attempt: st.attempts, secs,
                  ok: grade.correct ? 1 : 0, mc: grade.misconception || undefined };
  return [progress, [event], grade];
}

/** Show the next hint of the item on screen (the last one brings the worked solution). */
export function hint(progress, hintCount) {
  const id = progress.current;
  const st = progress.items[id];
  if (st.hints >= hintCount) {
    st.solution = true;
    return [progress, []];
  }
  st.hints += 1;
  if (st.hints >= hintCount) st.solution = true;
  return [progress, [{ type: "hint", item: id, set: progress.id, hint: Math.min(st.hints, MAX_HINT_EVENT) }]];
}

/** Leave the item on screen: time on task, a skip when it was never answered, then what comes next. */
export function next(progress, now = Date.now()) {
  const id = progress.current;
  if (!id) return advance(progress, now);
  const st = progress.items[id];
  const events = [];
  const extension = progress.stage === "extension";
  if (!st.attempts && !extension) {
    events.push({ type: "skip", item: id, set: progress.id });
    progress.answers.push({ item: id, correct: false, misconception: null, skipped: true });
  }
  st.secs = Math.round(Math.min(MAX_SECONDS_ON_ITEM, (now - st.shownAt) / 1000));
  if (st.attempts || !extension) events.push({ type: "time", item: id, set: progress.id, secs: st.secs });
  st.finished = true;
  progress.current = null;
  if (extension) {
    progress.stage = "done";
    progress.ended = now;
    return [progress, events];
  }
  const [, more] = advance(progress, now);
  return [progress, events.concat(more)];
}

/** Record the reflection and the one-tap confidence beside it (empty ones are skipped), then offer the extension. */
export function reflect(progress, value, now = Date.now(), confidence = null) {
  const events = [];
  const text = String(value ?? "").trim().slice(0, 200);
  if (text && progress.set.reflection) {
    progress.reflection = text;
    events.push({ type: "reflection", prompt: progress.set.reflection, value: text, set: progress.id });
  }
  const sure = String(confidence ?? "").trim();
  if (/^[1-9]$/.test(sure) && progress.set.reflection !== "confidence") {
    progress.confidence = Number(sure);
    events.push({ type: "reflection", prompt: "confidence", value: sure, set: progress.id });
  }
  progress.stage = "extension";
  const [, more] = advance(progress, now);
  return [progress, events.concat(more)];
}

/**
 * How the set went: `right` counts first tries without help (the one definition of right),
 * `practised` the items got right later, after feedback, a hint or the worked solution.
 */
export function summary(progress) {
  // The optional extension counts once the student tried it: it is work they did.
  const ext = progress.set.extension && progress.set.extension.item;
  const tried = ext && progress.items[ext] && progress.items[ext].attempts ? [ext] : [];
  const queue = [...plan(progress).queue.filter((id) => id !== ext), ...tried];
  const states = queue.map((id) => progress.items[id] || itemState());
  // Sets begun before firstRight was kept: their first answers say it (hints then counted as help).
  const first = new Map((progress.answers || []).map((a) => [a.item, a]));
  queue.forEach((id, i) => {
    if (states[i].firstRight === undefined) states[i] = { ...states[i], firstRight: !!(first.get(id) || {}).correct && !states[i].hints };
  });
  return {
    total: queue.length,
    right: states.filter((s) => s.firstRight).length,
    practised: states.filter((s) => s.correct && !s.firstRight).length,
    skipped: states.filter((s) => !s.attempts).length,
    hints: states.reduce((sum, s) => sum + s.hints, 0),
  };
}

/** The kind of end a set had, for a message that fits it: "all", "most", "some" or "none" right at the first try. */
export function outcome(s) {
  if (!s.total || s.right === 0) return "none";
  if (s.right === s.total) return "all";
  return s.right * 5 >= s.total * 3 ? "most" : "some";
}
