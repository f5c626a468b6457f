"""Message catalogs: CLDR plural headers, .po → .mo compilation and JSON for the service worker.

The .po files under app/i18n/locales are the source; `compile_catalogs()` writes the .mo
files the server reads and app/static/i18n/<locale>.json that the offline student app reads.
"""
from __future__ import annotations

import gettext
import io
import json
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

from . import ui_strings
from .locale import SUPPORTED_LOCALES

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALES_DIR = PACKAGE_DIR / "locales"
STATIC_I18N_DIR = PACKAGE_DIR.parent / "static" / "i18n"
PROJECT_DIR = PACKAGE_DIR.parent.parent
DOMAIN = "messages"
EXTRACT_KEYWORDS = {**DEFAULT_KEYWORDS, "N_plural": (1, 2)}

# Readable spellings of common rules; a locale gets one only if it agrees with CLDR.
_SIMPLE_PLURALS = ("(n != 1)", "(n > 1)")


class CatalogError(Exception):
    """A catalog that cannot be compiled or is missing translations."""


def plural_forms_for(locale: str) -> tuple[int, str]:
    """(nplurals, C expression) for a locale, derived from CLDR via Babel, not pybabel's default."""
    # pybabel init writes "(n != 1)" for Hindi and Bengali, but CLDR says 0 is singular there.
    header = to_gettext(Locale.parse(locale).plural_form)
    count_part, expr_part = header.split(";", 1)
    nplurals = int(count_part.split("=")[1])
    expr = expr_part.strip().removeprefix("plural=").rstrip(";").strip()
    cldr = gettext.c2py(expr)
    for simple in _SIMPLE_PLURALS:
        if nplurals == 2 and all(gettext.c2py(simple)(n) == cldr(n) for n in range(1001)):
            return nplurals, simple
    return nplurals, expr


def plural_header(locale: str) -> str:
    """The Plural-Forms header value for a locale, e.g. 'nplurals=2; plural=(n > 1);'."""
    nplurals, expr = plural_forms_for(locale)
    return f"nplurals={nplurals}; plural={expr};"


def po_path(locale: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Where a locale's .po source lives."""
    return Path(locales_dir) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str, locales_dir: Path = LOCALES_DIR) -> Catalog:
    """Parse a locale's .po file into a Babel Catalog."""
    with open(po_path(locale, locales_dir), "rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def check_catalog(catalog: Catalog) -> list[str]:
    """Problems that make a catalog unfit to ship: bad plural header, format errors, gaps."""
    problems = []
    locale = str(catalog.locale)
    if catalog.plural_forms != plural_header(locale):
        problems.append(f"{locale}: Plural-Forms is {catalog.plural_forms!r}, "
                        f"CLDR says {plural_header(locale)!r}")
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{locale}: {message.id!r}: {error}")
    wanted = list(ui_strings.MESSAGES) + [pair for pair in ui_strings.PLURAL_MESSAGES]
    for msgid in wanted:
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        if message is None:
            problems.append(f"{locale}: missing {key!r}")
        elif not _is_translated(message):
            problems.append(f"{locale}: untranslated {key!r}")
    return problems


def compile_catalogs(locales_dir: Path = LOCALES_DIR, static_dir: Path = STATIC_I18N_DIR,
                     locales=SUPPORTED_LOCALES) -> list[Path]:
    """Compile each .po to .mo and export <locale>.json for the service worker; return paths."""
    problems = []
    catalogs = {}
    for locale in locales:
        catalog = read_catalog(locale, locales_dir)
        problems.extend(check_catalog(catalog))
        catalogs[locale] = catalog
    if problems:
        raise CatalogError("; ".join(problems))
    written = []
    Path(static_dir).mkdir(parents=True, exist_ok=True)
    for locale, catalog in catalogs.items():
        mo_path = po_path(locale, locales_dir).with_suffix(".mo")
        mo_path.write_bytes(mo_bytes(catalog))
        json_path = Path(static_dir) / f"{locale}.json"
        json_path.write_text(json.dumps(catalog_json(catalog), ensure_ascii=False,
                                        sort_keys=True, separators=(",", ":")) + "\n",
                             encoding="utf-8")
        written += [mo_path, json_path]
    return written


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled .mo form of a catalog (fuzzy entries left out, as gettext expects)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def catalog_json(catalog: Catalog) -> dict:
    """The catalog as the service worker reads it: plural rule and msgid → msgstr or forms."""
    nplurals, expr = plural_forms_for(str(catalog.locale))
    messages = {}
    for message in catalog:
        if not message.id or message.fuzzy or not _is_translated(message):
            continue
        if isinstance(message.id, (list, tuple)):
            messages[message.id[0]] = list(message.string)
        else:
            messages[message.id] = message.string
    return {"locale": str(catalog.locale), "nplurals": nplurals, "plural": expr,
            "messages": messages}


def extract_template(project_dir: Path = PROJECT_DIR) -> Catalog:
    """Extract every marked string of the app with babel.cfg's map, as a template Catalog."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(Path(project_dir) / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="abhyas", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            Path(project_dir), method_map, options_map, keywords=EXTRACT_KEYWORDS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def update_catalogs(locales_dir: Path = LOCALES_DIR, project_dir: Path = PROJECT_DIR,
                    locales=SUPPORTED_LOCALES) -> Path:
    """Re-extract strings into messages.pot and merge them into every .po (keeps translations)."""
    template = extract_template(project_dir)
    pot = Path(locales_dir) / f"{DOMAIN}.pot"
    with open(pot, "wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)
    for locale in locales:
        path = po_path(locale, locales_dir)
        header = _leading_comment(path)
        catalog = read_catalog(locale, locales_dir)
        catalog.update(template, update_header_comment=False)
        with open(path, "wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True, width=100)
        # write_po rewrites the header comment from Catalog defaults; keep the draft notice.
        body = path.read_text(encoding="utf-8").split("\nmsgid", 1)[1]
        path.write_text(header + "msgid" + body, encoding="utf-8")
    return pot


def _is_translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def _leading_comment(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def main(argv=None) -> int:
    """`python -m app.i18n.catalogs [compile|update]`: compile is the default (Makefile)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args in ([], ["compile"]):
        try:
            for path in compile_catalogs():
                print(path)
        except CatalogError as error:
            print(f"catalogs: {error}", file=sys.stderr)
            return 1
        return 0
    if args == ["update"]:
        print(update_catalogs())
        return 0
    print("usage: python -m app.i18n.catalogs [compile|update]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
