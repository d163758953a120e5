"""Reads of the results, one module per part: ``publicity`` (notices and objections), ``filing``,
``certificates``, and ``granted`` (the title and the committee every document names, re-exported here)."""

from results.selectors.granted import committee_name, granted_title

__all__ = ["committee_name", "granted_title"]
