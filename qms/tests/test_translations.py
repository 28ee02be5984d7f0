"""The English catalogue: complete, compilable, in step with the committed .mo, and really used by the pages."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from qms.management.commands.makemessages import Command as MakeMessages

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[sdifr]|%[sdif]")


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (list, one per plural form), flags."""
    entries, entry, field = [], None, None

    def flush():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            raise AssertionError(f"obsolete entry left in {path.name}: {line}")
        if line.startswith("#,"):
            if entry is not None and "msgid" in entry:
                flush()
                entry = None
            entry = entry or {"flags": set(), "msgstr": []}
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or "msgid" in entry):
            flush()
            entry = {"flags": set(), "msgstr": []}
        if keyword.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(_unquote(rest))
        else:
            field = keyword
            entry[field] = _unquote(rest)
    flush()
    return entries


@pytest.fixture(scope="module")
def entries():
    assert PO.exists(), f"{PO} is missing: run makemessages -l en"
    parsed = parse_po(PO)
    assert parsed[0]["msgid"] == "", "the catalogue must start with its header"
    return parsed[1:]


def _label(entry: dict) -> str:
    return (entry.get("msgctxt", "") + "|" if entry.get("msgctxt") else "") + entry["msgid"]


def test_the_english_catalogue_translates_every_entry(entries):
    assert len(entries) > 100
    untranslated = [_label(e) for e in entries if not e["msgstr"] or any(not s for s in e["msgstr"])]
    assert untranslated == []


def test_the_english_catalogue_has_no_fuzzy_entry():
    fuzzy = [e for e in parse_po(PO) if "fuzzy" in e["flags"]]
    assert [e["msgid"][:60] for e in fuzzy] == []


def test_plural_entries_have_both_english_forms(entries):
    plurals = [e for e in entries if "msgid_plural" in e]
    assert plurals
    assert [_label(e) for e in plurals if len(e["msgstr"]) != 2] == []


def test_translations_keep_the_placeholders_of_their_source(entries):
    wrong = []
    for e in entries:
        sources = [e["msgid"]] if "msgid_plural" not in e else [e["msgid"], e["msgid_plural"]]
        for source, target in zip(sources, e["msgstr"], strict=False):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append((source, target))
    assert wrong == []


def test_the_translation_is_english_not_a_copy_of_the_vietnamese(entries):
    vietnamese = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
    # The language's own name stays in Vietnamese in the switcher.
    copied = [e["msgid"] for e in entries if any(vietnamese.search(s) for s in e["msgstr"]) and e["msgid"] != "Tiếng Việt"]
    assert copied == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_catalogue_compiles_and_the_committed_mo_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "django.mo is older than django.po: run compilemessages"
        )


def test_makemessages_extracts_every_gettext_alias_used_in_the_code():
    aliases = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        for match in re.finditer(r"\b(?:gettext|gettext_lazy|ngettext|ngettext_lazy)\s+as\s+(\w+)", path.read_text(encoding="utf-8")):
            aliases.add(match.group(1))
    keywords = {opt.split("=", 1)[1] for opt in MakeMessages.xgettext_options if opt.startswith("--keyword=")}
    assert aliases - {"_"} <= keywords


def test_verification_and_objective_results_use_their_own_english_words():
    from corrective_actions.models import Verification
    from objectives.models import Result

    with translation.override("en"):
        assert str(Verification.PASSED.label) == "Effective"
        assert str(Result.ACHIEVED.label) == "Achieved"
    with translation.override("vi"):
        assert str(Verification.PASSED.label) == str(Result.ACHIEVED.label) == "Đạt"


def test_the_reviews_list_is_in_vietnamese_by_default_and_in_english_once_switched(client, secretary):
    client.force_login(secretary)
    url = reverse("reviews:list")

    page = client.get(url).content.decode()
    assert "Họp xem xét của lãnh đạo</h1>" in page

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    page = client.get(url).content.decode()
    assert '<html lang="en"' in page
    assert "Management review meetings</h1>" in page
    assert "Họp xem xét của lãnh đạo" not in page
    assert "Lập kế hoạch họp" not in page and "Plan a meeting" in page
