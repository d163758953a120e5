"""The documents of the results, always in Chinese: the publicity notice's PDF (``publicity_pdf``), the
Excel 备案表 (``filing_excel``), the certificate and the filing summary PDFs (``certificates``)."""
