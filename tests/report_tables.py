"""Reading the report's XLSX appendix in tests: one table found by its caption."""


def xlsx_table(ws, caption):
    """(header row, data rows) of the table whose caption cell ends with ``caption``; rows end at a blank row."""
    rows = list(ws.iter_rows(values_only=True))
    i = next(k for k, r in enumerate(rows) if r[0] and str(r[0]).endswith(caption))
    out = []
    for r in rows[i + 2:]:
        if all(v is None for v in r):
            break
        out.append(r)
    return rows[i + 1], out
