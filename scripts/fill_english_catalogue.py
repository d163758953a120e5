"""Fill the English catalogue: our msgids are English, so each English msgstr is its msgid.

Needed because Django falls back to the default language (zh-hans) for a string missing from the
active language's catalogue: without this, the English UI would show Chinese.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main():
    with open(PATH, "rb") as handle:
        catalog = read_po(handle, locale="en")
    catalog.fuzzy = False
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        # Every entry is its own msgid: a fuzzy guess of makemessages (a neighbouring string's text)
        # must never survive, so each entry is set again, not only the empty ones.
        expected = (message.id[0], message.id[1]) if message.pluralizable else message.id
        if message.string != expected or message.fuzzy:
            message.string = expected
            filled += 1
        message.flags.discard("fuzzy")
        # makemessages' "previous msgid" of a fuzzy guess ("#| msgid …"), which Babel would keep as a
        # comment: meaningless once the entry is its own msgid.
        message.previous_id = []
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    with open(PATH, "wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, include_lineno=False)
    sys.stdout.write(f"English catalogue: {filled} strings filled\n")


if __name__ == "__main__":
    main()
