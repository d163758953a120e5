"""Continuing-education hours (继续教育学时认定): hours per person, year and category, imported from the
training platform or entered with a certificate, recognised by staff. ``applications`` reads the
recognised hours through ``training.selectors`` for its eligibility rule.
"""
