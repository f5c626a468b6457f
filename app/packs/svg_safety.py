"""Hand-written SVG (`kind: svg`): refused when it could run code or reach outside the pack, else made accessible."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "animate",
                      "set", "animatemotion", "animatetransform", "handler", "listener"}
HREF_ATTRIBUTES = {"href", "src"}
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)
IMPORT = re.compile(r"@import", re.IGNORECASE)
MAX_BYTES = 20_000

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].split(":")[-1].lower()


def parse_svg(markup: str):
    """The markup's root element, or (None, reason) when it is not one well-formed <svg>."""
    if re.search(r"<!DOCTYPE|<!ENTITY", markup, re.IGNORECASE):
        return None, "SVG must not declare a DOCTYPE or entities; remove them"
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        return None, f"the SVG is not well-formed XML ({exc}); check the tags and quotes"
    if _local(root.tag) != "svg":
        return None, f"the markup's outer element is <{_local(root.tag)}>; it must be <svg>"
    return root, None


def svg_problems(markup: str) -> list:
    """Why hand-written SVG cannot go to phones: each a message with the fix; empty when it is safe."""
    if len(markup.encode("utf-8")) > MAX_BYTES:
        return [f"the SVG is {len(markup.encode('utf-8'))} bytes; keep it under {MAX_BYTES} (a pack has 100 KB)"]
    root, reason = parse_svg(markup)
    if root is None:
        return [reason]
    found = []
    if "viewBox" not in root.attrib:
        found.append('the <svg> needs a viewBox (e.g. viewBox="0 0 400 200") so it scales to the phone')
    for element in root.iter():
        tag = _local(element.tag)
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> is not allowed in a figure (it can run code or load content); remove it")
        if tag == "style" and (IMPORT.search(element.text or "") or EXTERNAL_URL.search(element.text or "")):
            found.append("a <style> that loads anything (@import, url(...)) is not allowed; keep styles inline")
        for name, value in element.attrib.items():
            attr = _local(name)
            if attr.startswith("on"):
                found.append(f"event handler {attr}= on <{tag}> is not allowed; remove it")
            elif attr in HREF_ATTRIBUTES and not value.strip().startswith("#"):
                found.append(f"{attr}=\"{value[:40]}\" on <{tag}> refers outside the figure; only #id references are allowed")
            elif EXTERNAL_URL.search(value) or "javascript:" in value.lower():
                found.append(f"{attr}= on <{tag}> loads something from outside the figure; only url(#id) is allowed")
    return list(dict.fromkeys(found))


def accessible_svg(markup: str, alt: str | None) -> str:
    """Safe SVG markup made to fit the phone: full width up to 400 px, role=img named by the alt text."""
    root, _reason = parse_svg(markup)
    for name in [n for n in root.attrib if _local(n) in ("width", "height", "role", "aria-label", "style")]:
        del root.attrib[name]
    root.set("width", "100%")
    root.set("style", "max-width:400px;height:auto")
    root.set("role", "img")
    if alt is not None:  # None: the phone names it, per locale, as it shows it
        root.set("aria-label", alt)
    root.set("class", "fig")
    for title in [c for c in root if _local(c.tag) == "title"]:
        root.remove(title)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def unsafe_figures(document: dict) -> list:
    """(where, reason) for each figure SVG in a built items or text document that the validator would refuse.

    A server checks published packs with this too: the validator runs on the publisher's machine,
    and a figure is the one piece of pack text the phone shows as markup.
    """
    found = []

    def check(where, figure):
        svg = figure.get("svg") if isinstance(figure, dict) else None
        if svg is None:
            return
        problems = svg_problems(svg) if isinstance(svg, str) else ["the SVG is not text"]
        found.extend((where, reason) for reason in problems)

    items = document.get("items")
    for record in items if isinstance(items, list) else []:
        if isinstance(record, dict):
            check(f"item {record.get('id')}", record.get("figure"))
    for iid, entry in (items.items() if isinstance(items, dict) else []):
        if isinstance(entry, dict):
            check(f"item {iid}", entry.get("figure"))
    for _sid, examples in (document.get("worked_examples") or {}).items():
        for example in examples if isinstance(examples, list) else []:
            if isinstance(example, dict):
                check(f"worked example {example.get('id')}", example.get("figure"))
    return found
