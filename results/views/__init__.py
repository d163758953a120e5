"""Pages of the results: ``publicity`` (the public notices, objections and staff's handling) and
``filing`` (filing, certificates and the public verification page)."""
