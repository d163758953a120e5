"""What the review's results become: the publicity of results (评审结果公示), the public's objections
(异议), the filing with the provincial department (备案), the title certificates (证书) and their public
verification page (码上看).

``results`` sits on top of ``applications`` (what is submitted and its life) and ``reviews`` (who judged
and how); neither of those imports it. Layout: ``models``, ``services/`` and ``selectors/`` (one module
per part: publicity with its objections, filing, certificates, and ``granted`` for the title and the
committee every document names), ``documents/`` (the PDFs and the Excel 备案表), ``views/``, ``urls/``,
``forms_*``, ``rules``, ``admin``, ``tasks`` and ``notices``.
"""
