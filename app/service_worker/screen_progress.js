// "My progress" (replaces #app): mastery per skill as bars with numbers, next steps, and
// what mastery means. The server's mastery, moved on by answers not yet synced (provisional.js).

import { MASTERY_THRESHOLD } from "./bkt.js";
import { summary } from "./homework.js";
import { _, currentLocale, ngettext } from "./i18n.js";
import { provisionalMastery } from "./provisional.js";
import { h, screen, warning } from "./render.js";

function skillsInOrder(content) {
  const out = [];
  for (const d of content.packs) for (const s of (d.meta && d.meta.skills) || []) out.push({ id: s.id, pack: d, prereqs: s.prerequisites || [] });
  return out;
}

/** Key words of the packs in the student's language, each with its Roman spelling for Indic scripts. */
function glossary(content, locale) {
  const entries = [];
  for (const d of content.packs) {
    const text = d.text[locale] || d.text.en;
    const roman = (d.roman && d.roman[locale] && d.roman[locale].glossary) || [];
    for (const g of (text && text.glossary) || []) {
      const r = roman.find((x) => x.id === g.id);
      entries.push(h`<div class="term" data-term="${g.id}"><dt>${g.term}${r && r.term !== g.term ? h` <span class="muted" lang="${locale}-Latn">(${r.term})</span>` : ""}</dt><dd>${g.definition}</dd></div>`);
    }
  }
  return entries.length ? h`<h2>${_("Key words")}</h2><dl class="glossary">${entries}</dl>` : "";
}

/** The progress page for the current profile. */
/** One line on the student's arm when the class runs a pilot (the teacher sees the same on the Pilot page). */
function pilotLine(pilot) {
  if (!pilot) return "";
  const text = pilot.arm === "static" ? _("Your class is trying two kinds of homework: yours is the worksheet, in textbook order.")
    : pilot.arm === "adaptive" ? _("Your class is trying two kinds of homework: yours is chosen for you as you answer.")
      : _("Your class is trying two kinds of homework: you get both, on different topics.");
  return h`<p class="muted">${text}</p>`;
}

export function progressScreen(ctx, { pendingEvents = [], storageShort = false } = {}) {
  const { profile, state, content } = ctx;
  const threshold = state.threshold || MASTERY_THRESHOLD;
  const mastery = provisionalMastery(state, content, pendingEvents);
  const name = (s) => {
    const t = s.pack.text[profile.locale] || s.pack.text.en || {};
    return (t.skills && t.skills[s.id]) || s.id;
  };
  const skills = skillsInOrder(content);
  const bars = skills.map((s) => {
    const m = mastery[s.id];
    const pct = m && m.attempts ? Math.round(100 * m.p) : 0;
    const label = !m || !m.attempts ? _("Not started") : m.p >= threshold ? _("Mastered") : _("Practising");
    return h`<li class="skill"><p><span>${name(s)}</span><span><strong>${pct}%</strong> · ${label}</span></p>
<div class="meter" aria-hidden="true"><span style="width:${pct}%"></span></div>
${m && m.attempts ? h`<p class="muted">${ngettext("%(num)d answer so far", "%(num)d answers so far", m.attempts)}</p>` : ""}</li>`;
  });
  const mastered = new Set(skills.filter((s) => mastery[s.id] && mastery[s.id].p >= threshold).map((s) => s.id));
  const ready = skills.filter((s) => !mastered.has(s.id) && s.prereqs.every((p) => mastered.has(p) || !skills.some((x) => x.id === p)))
    .sort((a, b) => (mastery[a.id] ? mastery[a.id].p : 0) - (mastery[b.id] ? mastery[b.id].p : 0)).slice(0, 3);
  const unsynced = pendingEvents.some((r) => r.event.type === "answer");
  const finished = Object.values(state.progress || {}).filter((p) => p.stage === "done")
    .sort((a, b) => (b.ended || 0) - (a.ended || 0));
  const day = new Intl.DateTimeFormat(currentLocale(), { day: "numeric", month: "short" });
  const main = h`<h1 tabindex="-1" autofocus>${_("My progress")}</h1>
${storageShort ? warning(_("Storage is almost full. Ask your teacher before downloading more.")) : ""}
${pilotLine(state.pilot)}
${skills.length ? h`<ul class="plain">${bars}</ul>` : h`<p>${_("Your progress shows here after your first homework.")}</p>`}
${unsynced ? h`<p class="muted">${_("Some answers are not synced yet; these bars already count them.")}</p>` : ""}
${finished.length ? h`<h2>${_("Finished homework")}</h2><ul class="done-sets">${finished.map((p) => {
    const sum = summary(p);
    return h`<li data-set="${p.id}">${day.format(new Date(p.ended || p.started))}: ${ngettext("%(num)d answer right out of %(total)d.",
      "%(num)d answers right out of %(total)d.", sum.correct, { total: sum.total })}</li>`;
  })}</ul>` : ""}
<h2>${_("Next steps")}</h2>
${ready.length ? h`<ul>${ready.map((s) => h`<li>${_("Practise %(skill)s.", { skill: name(s) })}</li>`)}</ul>`
    : h`<p>${_("Keep going: finish your homework sets.")}</p>`}
<h2>${_("What mastery looks like")}</h2>
<p>${_("A skill is mastered when you answer its questions right, again and again, without hints. The bar shows how sure Abhyas is that you know it; at %(pct)s it says Mastered.", { pct: `${Math.round(threshold * 100)}%` })}</p>
${glossary(content, profile.locale)}
<p><button type="button" hx-get="/app/import" hx-target="#app">${_("Import a pack file")}</button></p>`;
  return screen(profile, "progress", main, { refresh: "/app/progress", title: _("My progress") });
}
