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


def html_captions(page: str) -> list:
    """The numbered captions of the report HTML in document order (表N … above tables, 图N … under figures),
    as plain text."""
    import html
    import re

    found = re.findall(r'<(?:div|figcaption) class="caption[^"]*">(.*?)</(?:div|figcaption)>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found]


def docx_captions(path) -> list:
    """The captions of report.docx (paragraphs in the Word "Caption" style), in document order."""
    from docx import Document

    return [p.text.strip() for p in Document(str(path)).paragraphs if p.style.name == "Caption"]


def xlsx_captions(path) -> list:
    """The numbered table captions of report.xlsx (a caption row starts with 表N / Table N.), sheet by sheet."""
    import re

    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True)
    return [str(r[0]) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)
            if r and isinstance(r[0], str) and re.match(r"(表\d+ |Table \d+\. )", r[0])]


def check_numbering(caps: list, table_word: str, figure_word: str) -> None:
    """Tables and figures are each numbered 1, 2, 3, … in document order."""
    import re

    for word in (table_word, figure_word):
        nums = [int(m.group(1)) for c in caps for m in [re.match(re.escape(word) + r"(\d+)", c)] if m]
        assert nums == list(range(1, len(nums) + 1)) and nums, (word, nums)
