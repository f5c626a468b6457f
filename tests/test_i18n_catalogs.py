"""Catalogs compile, carry CLDR plural rules, cover the UI strings and export JSON."""
import gettext
import json
import shutil

import pytest
from babel import Locale
from babel.support import Translations

from app.i18n import ui_strings
from app.i18n.catalogs import LOCALES_DIR, CatalogError, check_catalog, compile_catalogs, plural_forms_for, plural_header, po_path, read_catalog
from app.i18n.locale import SUPPORTED_LOCALES

PLURAL = ("%(num)d answer waiting to sync", "%(num)d answers waiting to sync")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    root = tmp_path_factory.mktemp("i18n")
    locales = root / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    written = compile_catalogs(locales_dir=locales, static_dir=root / "static")
    return locales, root / "static", written


def test_every_catalog_compiles(compiled):
    locales, static, written = compiled
    for locale in SUPPORTED_LOCALES:
        assert po_path(locale, locales).with_suffix(".mo") in written
        assert (static / f"{locale}.json") in written


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_is_complete_and_headed_as_draft(locale):
    assert check_catalog(read_catalog(locale)) == []
    first_lines = po_path(locale).read_text(encoding="utf-8").splitlines()[:3]
    assert any("review" in line for line in first_lines)


@pytest.mark.parametrize("locale, forms", [
    # CLDR: Hindi and Bengali treat 0 like 1; Tamil, Marathi and English do not.
    ("en", (1, 0, 1)), ("hi", (0, 0, 1)), ("bn", (0, 0, 1)), ("ta", (1, 0, 1)), ("mr", (1, 0, 1)),
])
def test_plural_rule_for_0_1_2(locale, forms):
    _, expr = plural_forms_for(locale)
    rule = gettext.c2py(expr)
    assert tuple(rule(n) for n in (0, 1, 2)) == forms
    cldr = Locale.parse(locale).plural_form
    for n in range(200):
        assert (rule(n) == 0) == (cldr(n) == "one"), n


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_compiled_plurals_pick_the_right_form(compiled, locale):
    locales, _, _ = compiled
    with open(po_path(locale, locales).with_suffix(".mo"), "rb") as handle:
        translations = Translations(handle)
    singular, plural = (translations.ngettext(*PLURAL, n) for n in (1, 2))
    zero = translations.ngettext(*PLURAL, 0)
    assert zero == (singular if locale in ("hi", "bn") else plural)
    assert "%(num)d" in singular and "%(num)d" in plural


def test_hindi_header_is_not_pybabel_default():
    assert plural_header("hi") == "nplurals=2; plural=(n > 1);"
    assert read_catalog("hi").plural_forms == plural_header("hi")


def test_json_export_for_service_worker(compiled):
    _, static, _ = compiled
    data = json.loads((static / "hi.json").read_text(encoding="utf-8"))
    assert data["plural"] == "(n > 1)" and data["nplurals"] == 2
    assert data["messages"]["Check"] == "जाँचें"
    assert len(data["messages"][PLURAL[0]]) == 2
    for msgid in ui_strings.MESSAGES:
        assert msgid in data["messages"]


def test_missing_translation_blocks_compilation(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    path = po_path("ta", locales)
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "சரிபார்"', 'msgstr ""'),
                    encoding="utf-8")
    with pytest.raises(CatalogError, match="untranslated 'Check'"):
        compile_catalogs(locales_dir=locales, static_dir=tmp_path / "static")


def test_wrong_plural_header_blocks_compilation(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    path = po_path("hi", locales)
    path.write_text(path.read_text(encoding="utf-8").replace("plural=(n > 1)", "plural=(n != 1)"),
                    encoding="utf-8")
    with pytest.raises(CatalogError, match="CLDR"):
        compile_catalogs(locales_dir=locales, static_dir=tmp_path / "static")


def test_module_entry_point_compiles_by_default(monkeypatch):
    from app.i18n import catalogs

    calls = []
    monkeypatch.setattr(catalogs, "compile_catalogs", lambda: calls.append("compile") or [])
    assert catalogs.main([]) == 0 and catalogs.main(["compile"]) == 0
    assert calls == ["compile", "compile"]
    assert catalogs.main(["bogus"]) == 2
