"""The capacity-replacement registry (产能置换, issue 17).

Pure parts: `checks` (draw arithmetic, cross-checks, public disclosure), `workbook` (the Excel
templates: reading and validating with the ledger's safe reader, writing). Storage and the web:
`facts` (R14's facts in bulk for a screening batch), `services` (one function per action),
`queries`, `forms`, `views`, `urls`, `upload`, `export`, `api`.
"""
