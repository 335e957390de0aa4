"""Reading indicator data: CSV files and Excel workbooks, long or wide, into a validated Dataset.

- ``csvfile``: a CSV's bytes as the csv module reads a file (encodings, delimiters, records).
- ``workbook``: an .xlsx as Excel shows it (number formats, dates, formulas, damaged files).
- ``wide``: one sheet with a column per period, reshaped with pandas into the long shape.
- ``contract``: every cell parsed and checked against docs/data-contract.md.

``reportgen.data.load_dataset`` is the entry point.
"""
