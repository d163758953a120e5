"""What may not reach the public FAQ: who asked, their enterprise, and personal numbers.

An answered question is published with a wording city staff write (``services.faq_publish``); before it
goes out, and each time it is edited, ``public_text_errors`` reads it for

- a whole ID number (居民身份证号码: 17 digits and a digit or X) or mainland mobile number, however typed
  (full-width digits, spaces or dashes between them: the text is folded as codes are,
  ``zaozhuang_titles.identifiers.canonical_code``), which must be shown masked as the portal masks them
  everywhere (``zaozhuang_titles.masking``: 3704**********123X, 139****1234);
- the asker's name or username, the enterprise's name (with or without its legal
  form such as 有限公司) or credit code, and the names of its contacts.

``public_draft`` gives staff a first wording with the numbers masked and those names replaced, which
they then edit; it is a help, the check is the rule.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from zaozhuang_titles.identifiers import canonical_code
from zaozhuang_titles.masking import mask_id_number, mask_mobile

#: 17 digits and a check digit or X, not inside a longer run of digits or letters.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Z])[0-9]{17}[0-9X](?![0-9A-Z])")
#: An 11-digit mainland mobile number, not inside a longer number.
MOBILE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
#: Separators people type inside a number ("138-0000-0000", "138 0000 0000"), dropped before looking.
_NUMBER_SEPARATORS = re.compile(r"[-‐‑‒–—_.·]")
#: Legal forms an enterprise's name ends with; the name without them identifies it as well.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司")
#: A name shorter than this (in characters) is not looked for: it would match ordinary words.
MIN_NAME_LENGTH = 2
#: What a draft writes in place of a name.
ENTERPRISE_PLACEHOLDER = "某企业"
PERSON_PLACEHOLDER = "某同志"


def _digits(char):
    digit = unicodedata.decimal(char, None)
    return char if digit is None else str(digit)


def _normalised(text):
    """NFKC with every decimal digit in ASCII: what masking and name matching read."""
    return "".join(_digits(char) for char in unicodedata.normalize("NFKC", text or ""))


def personal_numbers(text):
    """[(kind, number)] of the whole ID numbers ("id") and mobiles ("mobile") ``text`` holds, each once, in
    their canonical form, wherever spaces or dashes were typed between their digits."""
    folded = _NUMBER_SEPARATORS.sub("", canonical_code(text or ""))
    found = [("id", match.group()) for match in ID_NUMBER_RE.finditer(folded)]
    found += [("mobile", match.group()) for match in MOBILE_RE.finditer(ID_NUMBER_RE.sub(" ", folded))]
    return list(dict.fromkeys(found))


def mask_personal_numbers(text):
    """``text`` with each whole ID number and mobile typed without separators masked in place (digits of
    any width are read as ASCII; nothing else of the text changes)."""
    text = "".join(_digits(char) for char in text or "")
    text = re.sub(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])", lambda m: mask_id_number(m.group()), text)
    return MOBILE_RE.sub(lambda match: mask_mobile(match.group()), text)


def _short_name(name):
    for form in LEGAL_FORMS:
        if name.endswith(form) and len(name) - len(form) >= 4:
            return name[: -len(form)]
    return ""


def identifying_names(consultation):
    """[(what, value, placeholder)] of the names and codes that identify the asker of ``consultation`` or
    its enterprise, longest first, with what a draft writes in their place."""
    asker, enterprise = consultation.asker, consultation.enterprise
    names = [
        (_("the asker's name"), asker.real_name, PERSON_PLACEHOLDER),
        (_("the asker's username"), asker.username, PERSON_PLACEHOLDER),
    ]
    if enterprise is not None:
        names += [
            (_("the enterprise's name"), enterprise.name, ENTERPRISE_PLACEHOLDER),
            (_("the enterprise's name"), _short_name(enterprise.name), ENTERPRISE_PLACEHOLDER),
            (_("the enterprise's credit code"), enterprise.credit_code, ENTERPRISE_PLACEHOLDER),
        ]
        names += [
            (_("the name of a contact of the enterprise"), contact.name, PERSON_PLACEHOLDER)
            for contact in enterprise.contacts.all()
            if contact.name
        ]
    found = [
        (what, _normalised(value), placeholder)
        for what, value, placeholder in names
        if value and len(value) >= MIN_NAME_LENGTH
    ]
    return sorted(found, key=lambda item: -len(item[1]))


def public_text_errors(text, *, consultation):
    """The reasons ``text`` may not be published for ``consultation`` (an empty list when it may)."""
    errors = []
    for kind, number in personal_numbers(text):
        if kind == "id":
            errors.append(
                _("It holds a whole ID number; write it masked, as %(masked)s, or leave it out.")
                % {"masked": mask_id_number(number)}
            )
        else:
            errors.append(
                _("It holds a whole mobile number; write it masked, as %(masked)s, or leave it out.")
                % {"masked": mask_mobile(number)}
            )
    # Names are looked for case-insensitively, and also with spaces and invisible characters dropped.
    normalised, compact = _normalised(text).casefold(), canonical_code(text)
    seen = set()
    for what, value, _placeholder in identifying_names(consultation):
        if value in seen:
            continue
        if value.casefold() in normalised or canonical_code(value) in compact:
            seen.add(value)
            errors.append(
                _("It names %(what)s (%(value)s): the FAQ never shows who asked.") % {"what": what, "value": value}
            )
    return errors


def public_draft(text, *, consultation):
    """A first public wording of ``text``: numbers masked, the asker's and the enterprise's names replaced."""
    draft = mask_personal_numbers(text)
    for _what, value, placeholder in identifying_names(consultation):
        draft = re.sub(re.escape(value), placeholder, draft, flags=re.IGNORECASE)
    return draft
