"""Electronic questionnaires (职称评审电子问卷): built by city staff, versioned, sent to enterprises,
answered once per enterprise by its contacts, reminded before the deadline, and counted.
"""
