"""Every product string has a Simplified Chinese translation."""

from pathlib import Path

import polib
from django.conf import settings


def test_the_chinese_catalogue_is_complete():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    for entry in catalogue.translated_entries():
        for placeholder in ("%(", "%s"):
            translated = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
            assert entry.msgid.count(placeholder) == translated.count(placeholder), entry.msgid
