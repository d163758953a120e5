"""Every write of inspections: planning (``plans``), the verifiable draw (``draw``) and the work at the
enterprises — findings, files, conclusion, rectification and reply (``fieldwork``)."""
