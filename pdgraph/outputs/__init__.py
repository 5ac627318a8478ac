"""Documents for people, made from the graph's answers: tables (CSV with a byte-order mark, TSV,
Excel workbooks: `tables`, headings in `columns`), the record of processing activities
(`ropa`) and the corpus report page with its charts (`report`, `charts`).

Above the query, conformance and map stages (it combines their answers), below the CLI.
"""
