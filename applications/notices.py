"""Who is told about a move of an application, and what they read (in-site notice and email).

Called by the transition function inside its transaction (the notices are an outbox): the applicant
hears of every move of its application; the enterprise's contact of what it must act on; the chairman
when an application of the dedicated channel waits for its signature."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Status
from enterprises.models import EnterpriseContact
from zaozhuang_titles.notices import notice_build, notice_create, notices_create_many

#: Moves the enterprise's contact must act on or know about.
_CONTACT_ACTIONS = {"submit", "resubmit", "withdraw", "nominate"}


def _text(transition, application, label):
    values = {
        "number": application.number,
        "batch": application.batch.name,
        "move": label,
        "status": Status(transition.to_status).label,
        "name": application.applicant.real_name,
    }
    subject = _("Application %(number)s: %(move)s") % values
    body = _("Your application %(number)s in “%(batch)s” is now “%(status)s”.") % values
    if transition.reason:
        body += "\n" + _("Reason: %(reason)s") % {"reason": transition.reason}
    return subject, body, values


def transition_notices(*, transition, move_label, note=""):
    """Write the notices of one transition (in Chinese, the portal's language for messages)."""
    application = transition.application
    with translation.override("zh-hans"):
        subject, body, values = _text(transition, application, move_label)
        if note:
            body += "\n" + str(note)
        url = reverse("applications:timeline", args=[application.pk])
        notice_create(
            recipient=application.applicant,
            key=f"transition:{transition.pk}:applicant",
            subject=subject,
            body=body,
            url=url,
        )
        if transition.action in _CONTACT_ACTIONS:
            contacts = EnterpriseContact.objects.filter(
                enterprise_id=application.enterprise_id, is_active=True, user__isnull=False
            ).select_related("user")
            for contact in contacts:
                notice_create(
                    recipient=contact.user,
                    key=f"transition:{transition.pk}:contact:{contact.user_id}",
                    subject=_("%(name)s's application %(number)s: %(move)s") % values,
                    body=_("The application %(number)s of %(name)s in “%(batch)s” is now “%(status)s”.") % values,
                    url=url,
                )
        if transition.action in PUBLICITY_CONTACT_ACTIONS:
            _publicity_contact_notices(transition=transition, values=values, note=note, url=url)
        chairman = application.enterprise.chairman
        if chairman is not None and application.batch.is_dedicated and transition.to_status == Status.ENTERPRISE_REVIEW:
            notice_create(
                recipient=chairman,
                key=f"transition:{transition.pk}:chairman",
                subject=_("%(name)s's application %(number)s waits for your nomination") % values,
                body=_("The application %(number)s of %(name)s in “%(batch)s” needs your ranked, signed nomination.")
                % values,
                url=reverse("applications:chairman_home"),
            )


# --- Publicity, filing and certification (issue 6) ----------------------------------------------------
# The enterprise's contacts hear of these moves too, and both the applicant and the contacts hear of
# the end of the publicity period (which moves nothing: filing comes later).

#: Moves of which the enterprise's contacts are told as well as the applicant.
PUBLICITY_CONTACT_ACTIONS = {"publish", "file", "certify", "reopen", "revoke"}


def _active_contacts(enterprise_id):
    """The active contacts (with their users) of one enterprise, or of a list of enterprises."""
    if isinstance(enterprise_id, list):
        return EnterpriseContact.objects.filter(
            enterprise_id__in=enterprise_id, is_active=True, user__isnull=False
        ).select_related("user")
    return EnterpriseContact.objects.filter(
        enterprise_id=enterprise_id, is_active=True, user__isnull=False
    ).select_related("user")


def _publicity_contact_notices(*, transition, values, note, url):
    body = _("The application %(number)s of %(name)s in “%(batch)s” is now “%(status)s”.") % values
    if transition.reason:
        body += "\n" + _("Reason: %(reason)s") % {"reason": transition.reason}
    if note:
        body += "\n" + str(note)
    for contact in _active_contacts(transition.application.enterprise_id):
        notice_create(
            recipient=contact.user,
            key=f"transition:{transition.pk}:contact:{contact.user_id}",
            subject=_("%(name)s's application %(number)s: %(move)s") % values,
            body=body,
            url=url,
        )


def publicity_end_notices(*, entry, cleared):
    """Tell the applicant and the enterprise's contacts that the publicity period of ``entry`` ended:
    cleared for filing (公示期满，无异议，进入备案), or held by an objection still being settled.
    Idempotent: one notice per entry, outcome and recipient."""
    publicity_end_notices_many(entries=[entry], cleared=cleared)


def publicity_end_notices_many(*, entries, cleared):
    """``publicity_end_notices`` for many lines of one notice at once (closing it): the contacts of all
    their enterprises read in one query, the notices written by ``notices_create_many`` (a fixed number of
    queries, not a few per line)."""
    outcome = "cleared" if cleared else "held"
    contacts = {}
    enterprise_ids = {entry.application.enterprise_id for entry in entries}
    for start in range(0, len(enterprise_ids), 900):
        chunk = sorted(enterprise_ids)[start : start + 900]
        for contact in _active_contacts(chunk):
            contacts.setdefault(contact.enterprise_id, []).append(contact)
    notices = []
    with translation.override("zh-hans"):
        for entry in entries:
            application = entry.application
            values = {
                "number": application.number,
                "name": entry.name,
                "title": entry.publicity.title,
                "end": entry.publicity.ends_on.isoformat(),
            }
            if cleared:
                subject = _("Application %(number)s: publicity ended, on to filing") % values
                body = (
                    _(
                        "The publicity “%(title)s” has ended (last day %(end)s) without an objection standing against "
                        "the application %(number)s of %(name)s; it goes on to filing (备案)."
                    )
                    % values
                )
            else:
                subject = _("Application %(number)s: publicity ended, an objection is being settled") % values
                body = (
                    _(
                        "The publicity “%(title)s” has ended (last day %(end)s); the application %(number)s of "
                        "%(name)s waits until city staff settle the objection raised against it."
                    )
                    % values
                )
            url = reverse("applications:timeline", args=[application.pk])
            key = f"publicity-entry:{entry.pk}:{outcome}"
            recipients = [(application.applicant, f"{key}:applicant")] + [
                (contact.user, f"{key}:contact:{contact.user_id}")
                for contact in contacts.get(application.enterprise_id, ())
            ]
            notices += [
                notice_build(recipient=recipient, key=key, subject=subject, body=body, url=url)
                for recipient, key in recipients
            ]
    notices_create_many(notices=notices)
