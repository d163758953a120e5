"""Consultations and problems (咨询与难题): questions from enterprises and applicants, answered by
commissioners and staff; problems followed until solved; the anonymised public FAQ.
"""
