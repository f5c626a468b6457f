// The homework screens (replace #app): an item with its answer box, feedback, hints and
// worked solution; the reflection prompt; the end of a set; and "no homework yet".

import { _, currentLocale, ngettext } from "./i18n.js";
import { entryFor, outcome, position, summary } from "./homework.js";
import { h, raw, screen, warning } from "./render.js";
import { figureHtml } from "./figure.js";
import { examplesFor, workedExampleBlock } from "./worked_example.js";

/** The "why this item" line in the student's language, from the entry's reason code. */
export function whyLine(entry, content, locale) {
  const skill = entry.skill || (content.item(entry.item) || {}).skill;
  const doc = content.packOf(entry.item);
  const text = doc ? doc.text[locale] || doc.text.en : null;
  const skillName = (text && text.skills && text.skills[skill]) || "";
  const mcName = entry.misconception && text && text.misconceptions && text.misconceptions[entry.misconception]
    ? text.misconceptions[entry.misconception].name : "";
  switch (entry.reason) {
    case "misconception_remediation":
      return mcName ? _("This one helps with a mistake you made: %(name)s.", { name: mcName })
        : _("This one helps with a mistake you made.");
    case "productive_practice": return _("Just right for you now: %(skill)s.", { skill: skillName });
    case "prerequisite_gap": return _("%(skill)s comes first: the next topics build on it.", { skill: skillName });
    case "spaced_review": return _("A quick review of %(skill)s, so you keep it.", { skill: skillName });
    case "micro_check": return _("A quick check: have you kept %(skill)s? You learned it a while ago.", { skill: skillName });
    case "extension": return _("A challenge in %(skill)s, if you want one.", { skill: skillName });
    case "teacher": return _("Your teacher chose this item for you");
    case "diagnostic": return _("A quick check of what you already know");
    case "worksheet": return _("Next on the worksheet: %(skill)s.", { skill: skillName });
    case "post_test": return _("A check-up question: answer it on your own first.");
    default: return entry.why || "";
  }
}

// Items that measure what a student knows on their own: no solved example of the same kind before them.
const CHECKS = new Set(["diagnostic", "post_test", "micro_check"]);

function feedback(last, item, text, mcFeedback) {
  if (!last) return "";
  switch (last.status) {
    case "correct": return h`<p class="fb ok" role="alert">${_("Correct!")}</p>`;
    // Right, but not at the first try without help: honest about it, and still worth doing.
    case "practice": return h`<p class="fb practice" role="alert">${last.shown
      ? _("That matches the worked solution. It counts as practice, not as right at the first try.")
      : _("Right this time. It counts as practice, not as right at the first try.")}</p>`;
    case "misconception":
      return h`<p class="fb" role="alert">${mcFeedback(last.mc) || _("Not quite. Try again.")}</p>`;
    case "not_simplified": return h`<p class="fb" role="alert">${_("Right value! Now write it in lowest terms.")}</p>`;
    case "not_decimal": return h`<p class="fb" role="alert">${_("Right value! Now write it as a decimal, like 0.5.")}</p>`;
    case "not_fraction": return h`<p class="fb" role="alert">${_("Right value! Now write it as a fraction, like 3/4.")}</p>`;
    case "not_mixed": return h`<p class="fb" role="alert">${_("Right value! Now write it as a mixed fraction, like 2 1/4.")}</p>`;
    case "unparsed":
      return h`<p class="fb" role="alert">${item.kind === "fraction" ? _("Write a number or a fraction, like 3/4.") : _("Write a number, like 12 or -3.")}</p>`;
    case "empty": return h`<p class="fb" role="alert">${item.kind === "choice" ? _("Choose an answer first.") : _("Type your answer first.")}</p>`;
    default: return h`<p class="fb" role="alert">${_("Not quite. Try again.")}</p>`;
  }
}

function answerInput(item, text, st, draft) {
  const locked = st.correct;
  if (item.kind === "choice") {
    const chosen = (st.last && st.last.r) || draft || "";
    const options = (item.choices || []).map((key) => h`<label class="choice"><input type="radio" name="answer" value="${key}"
      ${raw(key === chosen ? "checked" : "")} ${raw(locked ? "disabled" : "")}> <span>${(text.choices || {})[key] || key}</span></label>`);
    return h`<div class="choices" role="radiogroup" aria-labelledby="answer-label"><p id="answer-label" class="legend"><strong>${_("Answer")}</strong></p>${options}</div>`;
  }
  const value = (st.last && st.last.r) || draft || "";
  // Numeric items whose answer or a wrong answer only a fraction can write (80/3) get the / key too.
  const slash = item.kind === "fraction" || item.keypad === "fraction";
  const keys = h`<div class="keys">${slash
    ? h`<button type="button" data-insert="/" data-for="answer" aria-label="${_("Fraction")}">/</button>` : ""}<button
    type="button" data-insert="-" data-for="answer" aria-label="${_("Minus")}">−</button></div>`;
  return h`<label for="answer">${_("Answer")}</label>
<div class="entry"><input id="answer" name="answer" class="answer" inputmode="decimal" autocomplete="off" autocorrect="off"
  spellcheck="false" maxlength="40" value="${value}" ${raw(locked ? "readonly" : "")} aria-describedby="answer-help">${locked ? "" : keys}</div>
<p id="answer-help" class="help">${slash ? _("For a fraction, type the top number, then /, then the bottom number.") : _("Type a number.")}</p>`;
}

const DAY_MS = 86400000;
export const NUDGE_AFTER_DAYS = 2;

/** When the student last practised on this phone (the latest set started or finished), or null. */
export function lastPractice(state) {
  const times = Object.values(state.progress || {}).flatMap((p) => [p.ended || 0, p.started || 0,
    ...Object.values(p.items || {}).map((st) => st.shownAt || 0)]);
  const last = Math.max(0, ...times);
  return last || null;
}

/**
 * A short nudge on opening, with its reason: days since the last practice, or review due
 * (the set opens with a micro-check or a spaced review). Null when there is nothing to say.
 */
export function nudgeLine(state, set, content, locale, now = Date.now(), before = lastPractice(state)) {
  const days = before ? Math.floor((now - before) / DAY_MS) : 0;
  if (days >= NUDGE_AFTER_DAYS) {
    return ngettext("Welcome back! It has been %(num)d day since you last practised: a few questions keep it fresh.",
                    "Welcome back! It has been %(num)d days since you last practised: a few questions keep it fresh.", days);
  }
  const review = ((set && set.items) || []).find((e) => e.reason === "micro_check" || e.reason === "spaced_review");
  if (review) {
    const doc = content.packOf(review.item);
    const text = doc ? doc.text[locale] || doc.text.en : null;
    const skill = (text && text.skills && text.skills[review.skill]) || "";
    return _("Review is due: you learned %(skill)s a while ago, and a quick check keeps it.", { skill });
  }
  return null;
}

/** One item of a set, as it stands: answer box, feedback, hints, solution, buttons. */
export function itemScreen(ctx, { draft = "", notices = [] } = {}) {
  const { profile, progress, content, voices } = ctx;
  const id = progress.current;
  const item = content.item(id);
  const locale = profile.locale;
  const text = content.text(id, locale) || { text: id, hints: [], solution: [] };
  // Misconception feedback in the locale, in Roman letters when the student reads them.
  const mcFeedback = (mc) => (content.feedback ? content.feedback(id, mc, locale) : "");
  const st = progress.items[id];
  const entry = entryFor(progress, id);
  const extension = progress.stage === "extension";
  const pos = position(progress);
  const question = profile.simplified && text.simplified ? text.simplified : text.text;
  const hints = (text.hints || []).slice(0, st.hints);
  const canHint = st.hints < (text.hints || []).length && !st.correct;
  const sayable = voices.has(locale) || ctx.audioUrl;
  const offerHint = !st.correct && st.attempts >= 2 && canHint;
  const figure = text.figure;
  const spoken = [figure ? figure.speak : "", text.speak || text.text].filter(Boolean).join(" ");
  const fresh = examplesFor(ctx, id).fresh && !st.attempts && !st.hints;
  // A new item takes focus to its heading; after Check or Hint focus stays where it was
  // (htmx keeps it on the answer box), and the feedback is announced as an alert.
  const focusHeading = raw(st.last || st.hints ? "" : "autofocus");
  const main = h`${notices}
${extension ? h`<h1 tabindex="-1" ${focusHeading}>${_("Extension (optional)")}</h1>`
    : h`<h1 tabindex="-1" ${focusHeading}>${_("Question %(n)d of %(total)d", { n: pos.n, total: pos.total })}</h1>
<progress max="${pos.total}" value="${pos.finished}" aria-label="${_("Question %(n)d of %(total)d", { n: pos.n, total: pos.total })}"></progress>`}
${progress.set.pre_approved ? h`<p class="note">${_("Practice your teacher allows while your next homework waits for them.")}</p>` : ""}
<p class="why"><strong>${_("Why this item")}:</strong> ${whyLine(entry, content, locale)}</p>
${CHECKS.has(entry.reason) ? "" : workedExampleBlock(ctx, id, fresh, voices.has(locale))}
<div class="card" data-item="${id}" data-kind="${item.kind}">
${figureHtml(figure, item.figure && item.figure.svg, locale)}
<p class="q" lang="${text.roman ? `${locale}-Latn` : locale}">${question}</p>
${sayable ? h`<p><button type="button" data-say data-say-lang="${locale}" data-say-text="${spoken}"
  ${raw(ctx.audioUrl ? 'data-audio="say-audio"' : "")}>${_("Read aloud")}</button>${ctx.audioUrl
    ? h`<audio id="say-audio" preload="none" src="${ctx.audioUrl}"></audio>` : ""}</p>` : ""}
<form hx-post="/app/check" hx-target="#app" hx-disabled-elt="#app form button">
${answerInput(item, text, st, draft)}
${feedback(st.last, item, text, mcFeedback)}
${hints.length ? h`<ol class="hints" aria-label="${_("Hint")}">${hints.map((t) => h`<li>${t}</li>`)}</ol>` : ""}
${offerHint ? h`<p class="muted">${_("Stuck? A hint can help.")}</p>` : ""}
${st.solution && (text.solution || []).length ? h`<h2>${_("Worked solution")}</h2><ol class="steps">${text.solution.map((t) => h`<li>${t}</li>`)}</ol>` : ""}
<div class="row">
  <button type="submit" ${raw(st.correct ? "disabled" : 'class="primary"')}>${_("Check")}</button>
  <button type="button" hx-post="/app/hint" hx-target="#app" ${raw(canHint ? "" : "disabled")}>${_("Hint")}</button>
  <button type="button" hx-post="/app/next" hx-target="#app" ${raw(st.correct ? 'class="primary"' : "")}>${_("Next")}</button>
</div>
</form></div>
${st.attempts ? raw("<span data-answer-saved hidden></span>") : ""}`;
  return screen(profile, "item", main, { title: _("Homework"), nav: "start" });
}

const CONFIDENCE = "confidence";  // the packs' scale prompt "How sure were you of your answers?"

/** The set's own pack first (packs reuse prompt ids with their own words), then the others. */
function reflectionPacks(progress, content) {
  const set = progress.set;
  const first = (set.items || [])[0];
  const home = content.packs.find((d) => d.pack === set.reflection_pack) || (first && content.packOf(first.item));
  return home ? [home, ...content.packs.filter((d) => d !== home)] : content.packs;
}

function findPrompt(packs, promptId, locale) {
  for (const d of packs) {
    const t = d.text[locale] || d.text.en;
    if (t && t.reflections && t.reflections[promptId]) {
      const meta = ((d.meta && d.meta.reflections) || []).find((r) => r.id === promptId);
      return { prompt: t.reflections[promptId], kind: meta ? meta.kind : "text" };
    }
  }
  return null;
}

/** The reflection prompt after the five items, from the set's skills, with a one-tap confidence rating beside free text. */
export function reflectionScreen(ctx) {
  const { profile, progress, content } = ctx;
  const promptId = progress.set.reflection;
  const packs = reflectionPacks(progress, content);
  const found = findPrompt(packs.slice(0, 1), promptId, profile.locale) || findPrompt(packs, promptId, profile.locale);
  const prompt = found ? found.prompt : { text: _("How did this homework go?"), options: [] };
  const kind = found ? found.kind : "text";
  const scale = (options, name, labelledBy) => h`<div role="radiogroup" aria-labelledby="${labelledBy}" class="choices">${options.map((o, i) => h`<label class="choice">
        <input type="radio" name="${name}" value="${i + 1}"> <span>${o}</span></label>`)}</div>`;
  // Writing is slow on a phone: beside the free text, one tap says how sure the student feels.
  const sure = kind !== "scale" ? findPrompt(packs.slice(0, 1), CONFIDENCE, profile.locale) : null;
  const field = kind === "scale" && prompt.options.length
    ? scale(prompt.options, "value", "reflect-q")
    : h`${sure && sure.prompt.options.length ? h`<p id="sure-q">${sure.prompt.text}</p>${scale(sure.prompt.options, "confidence", "sure-q")}` : ""}
<label for="reflect-text">${_("Your answer")}</label><textarea id="reflect-text" name="value" maxlength="200" rows="3"></textarea>`;
  const main = h`<h1 tabindex="-1" autofocus>${_("Think back")}</h1>
<form hx-post="/app/reflect" hx-target="#app" hx-disabled-elt="#app form button">
<p id="reflect-q" class="q">${prompt.text}</p>
${field}
<div class="row"><button type="submit" class="primary">${_("Next")}</button></div>
</form>`;
  return screen(profile, "reflection", main, { title: _("Homework"), nav: "start" });
}

/** "n of total right at the first try", the one definition of right everywhere. */
export function rightLine(s) {
  return ngettext("%(num)d of %(total)d right at the first try.", "%(num)d of %(total)d right at the first try.",
                  s.right, { total: s.total });
}

// A message that fits the result: praise only for what went well, effort and a next step otherwise.
const HEADLINES = {
  all: () => _("All right at the first try. Set complete."),
  most: () => _("Good work. Set complete."),
  some: () => _("Set complete. Some of these need more practice."),
  none: () => _("Set complete. These were hard for you today."),
};

/** The end of a set: how it went, honestly, and what to do next. */
export function doneScreen(ctx, hasNext, { waiting = null } = {}) {
  const { profile, progress } = ctx;
  const s = summary(progress);
  const result = outcome(s);
  const step = result === "all" || result === "most" ? ""
    : h`<p>${_("Read the worked solutions again: your next homework brings these skills back, step by step.")}</p>`;
  const main = h`<h1 tabindex="-1" autofocus>${HEADLINES[result]()}</h1>
<p>${rightLine(s)}</p>
${s.practised ? h`<p>${ngettext("%(num)d more right after help: that is practice.", "%(num)d more right after help: that is practice.", s.practised)}</p>` : ""}
${step}
${hasNext ? h`<div class="row"><button type="button" class="primary" hx-get="/app/start" hx-target="#app">${_("Next")}</button></div>`
    : waitingLine(waiting)}`;
  return screen(profile, "done", main, { refresh: "/app/start", title: _("Homework"), nav: "start" });
}

/** When the teacher was asked to check the next set, and what the student can do meanwhile. */
function waitingLine(waiting) {
  if (!waiting) return h`<p>${_("No homework right now. Tap Sync now when you are online.")}</p>`;
  // A 24-hour clock: "AM" would be English inside the student's sentence.
  const when = waiting.askedAt ? new Intl.DateTimeFormat(`${currentLocale()}-IN`, { day: "numeric", month: "short", hour: "2-digit",
                                                                           minute: "2-digit", hourCycle: "h23" }).format(new Date(waiting.askedAt)) : "";
  return h`<p>${when ? _("Your teacher was asked on %(when)s to check your next homework.", { when })
    : _("Your teacher is checking your next homework.")} ${_("It comes with the next sync after that.")}</p>
<p>${_("Meanwhile, look back at what you learned:")}</p>
<div class="row"><button type="button" class="primary" hx-get="/app/progress" hx-target="#app">${_("My progress")}</button></div>`;
}

/** No set to do: waiting for the teacher, for a download, or for the next sync. */
export function emptyScreen(ctx, { waiting = null, missing = false, storageShort = false } = {}) {
  const { profile } = ctx;
  const main = h`<h1 tabindex="-1" autofocus>${_("Homework")}</h1>
${storageShort ? warning(_("Storage is almost full. Ask your teacher before downloading more.")) : ""}
${missing ? h`<p>${_("Your homework needs a download. Connect to the internet, then tap Sync now.")}</p>` : waitingLine(waiting)}`;
  return screen(profile, "empty", main, { refresh: "/app/start", title: _("Homework"), nav: "start" });
}
