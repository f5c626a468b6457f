// A pack figure on the phone: the build's SVG (drawn once when it has no words, else per
// locale), named for screen readers with the alt text of the student's language.

import { esc, h, raw } from "./render.js";

// The build and the server refuse these already; a phone shows no figure rather than trust one.
const UNSAFE = /<\s*(script|foreignobject|iframe|embed|object)\b|\son[a-z]+\s*=|(href|src)\s*=\s*["'](?!#)|javascript:/i;

/** The figure block above a question or worked example, or "" when there is none (or it is unsafe). */
export function figureHtml(figure, sharedSvg, locale) {
  const svg = figure && (figure.svg || sharedSvg);
  if (!svg || !String(svg).startsWith("<svg") || UNSAFE.test(svg)) return "";
  // The drawing has role="img"; its name is the alt text in this locale. A drawing shared by
  // every locale holds its words as numbered tokens; this locale's words take their places.
  const words = figure.labels || [];
  const named = String(svg).replace(/^<svg /, `<svg aria-label="${esc(figure.alt || "")}" `)
    .replace(/\ue000(\d+)\ue001/g, (_m, n) => esc(words[Number(n)] ?? ""));
  return h`<div class="figure" lang="${locale}">${raw(named)}</div>`;
}
