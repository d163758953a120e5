"""双随机 inspections of professional-staff management: plans, the verifiable random draw of enterprises
and inspectors, findings, rectifications and the published results.
"""
