"""Writes of the results, one module per part: ``publicity`` (publishing, objections, closing),
``filing`` (the 备案 and its files) and ``certificates`` (issue and revocation)."""
