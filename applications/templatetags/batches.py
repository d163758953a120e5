"""Template pieces of applications that pages of lower apps show, so those apps import nothing from here.

``{% open_calls %}`` lists the batches open for applications right now; the enterprise's public page
(码上看, an ``enterprises`` page) shows it without ``enterprises`` reading applications data itself.
"""

from django import template

from applications.selectors import batches_accepting

register = template.Library()


@register.inclusion_tag("applications/includes/batch_list.html")
def open_calls():
    """The batches accepting applications now, the soonest to close first."""
    return {"batches": list(batches_accepting())}
