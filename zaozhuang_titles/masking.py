"""Masking of personal numbers for everyone who does not need them whole."""


def mask_id_number(value):
    """3704**********123X: the region's first four and the last four characters stay visible."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value):
    """138****0000: the carrier prefix and the last four digits stay visible."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
