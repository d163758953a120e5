"""Template pieces of the library that pages of lower apps show, so those apps import nothing from here.

``{% policy_package enterprise %}`` shows the 一企一策 package an enterprise holds (its last sent
version): on the contact's home (``enterprises``) with the note and the button that confirms receipt;
with ``public=True`` on the enterprise's public QR page (码上看), its public documents only — no note,
no internal document, nothing about who confirmed it.
"""

from django import template

from library.selectors import latest_sent_package

register = template.Library()


@register.inclusion_tag("library/includes/package_card.html", takes_context=True)
def policy_package(context, enterprise, public=False):
    package = latest_sent_package(enterprise.pk) if enterprise is not None else None
    items = list(package.items.all()) if package is not None else []
    if public:
        items = [item for item in items if item.document.is_public]
    return {
        "package": package,
        "items": items,
        "public": public,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
