// "See how it's done": a skill's worked example, offered above an item when the student meets
// the skill for the first time or its mastery is low. Reading it is not an answer and records
// no event (the outbox has no event type for it).

import { _ } from "./i18n.js";
import { figureHtml } from "./figure.js";
import { h, raw } from "./render.js";

/** Below this probability of knowing a skill, its worked example is offered again. */
export const LOW_MASTERY = 0.4;

/** True when no item of the skill was answered on this phone and the server knows no answer to it either. */
export function skillIsNew(state, content, skill) {
  const server = (state.mastery || {})[skill];
  if (server && server.attempts) return false;
  for (const progress of Object.values(state.progress || {})) {
    for (const [id, st] of Object.entries(progress.items || {})) {
      if (st.attempts && content.item(id) && content.item(id).skill === skill) return false;
    }
  }
  return true;
}

/** The worked examples to offer for the item's skill now: [] when the skill is going well. */
export function examplesFor(ctx, itemId) {
  const { state, content, profile } = ctx;
  const item = content.item(itemId);
  const doc = content.packOf(itemId);
  if (!item || !doc) return { examples: [], fresh: false };
  const text = doc.text[profile.locale] || doc.text.en;
  const native = ((text && text.worked_examples) || {})[item.skill] || [];
  // In Roman letters when the student reads them (speech stays in the native script).
  const roman = profile.roman && doc.roman && doc.roman[profile.locale] && doc.roman[profile.locale].worked_examples;
  const romanOf = (ex) => ((roman && roman[item.skill]) || []).find((r) => r.id === ex.id);
  const examples = native.map((ex) => (romanOf(ex) ? { ...ex, ...romanOf(ex), roman: true } : ex));
  const fresh = skillIsNew(state || {}, content, item.skill);
  const mastery = ((state && state.mastery) || {})[item.skill];
  const low = !!mastery && typeof mastery.p === "number" && mastery.p < LOW_MASTERY;
  return { examples: fresh || low ? examples : [], fresh };
}

/**
 * The "See how it's done" disclosure: open on a skill's first item, folded when it comes back
 * for low mastery. Read aloud by the phone's voice (`hasVoice`), else by the example's clip.
 */
export function workedExampleBlock(ctx, itemId, open, hasVoice) {
  const { examples } = examplesFor(ctx, itemId);
  if (!examples.length) return "";
  const locale = ctx.profile.locale;
  const simple = ctx.profile.simplified;
  const parts = examples.map((ex, i) => {
    const said = ex.said || [ex.speak, ...(ex.steps || [])].join(" ");
    const clip = (ctx.exampleAudio || [])[i];
    const sayable = hasVoice || clip;
    return h`<section class="example" data-example="${ex.id}" lang="${ex.roman ? `${locale}-Latn` : locale}">
${figureHtml(ex.figure, null, locale)}
<p class="q-example">${simple && ex.simplified ? ex.simplified : ex.problem}</p>
<ol class="steps">${(ex.steps || []).map((s) => h`<li>${s}</li>`)}</ol>
${sayable ? h`<p><button type="button" data-say data-say-lang="${locale}" data-say-text="${said}"
  ${raw(clip ? `data-audio="example-audio-${i}"` : "")}>${_("Read aloud")}</button>${clip
    ? h`<audio id="example-audio-${i}" preload="none" src="${clip}"></audio>` : ""}</p>` : ""}
</section>`;
  });
  return h`<details class="worked" ${raw(open ? "open" : "")}><summary>${_("See how it's done")}</summary>${parts}</details>`;
}
