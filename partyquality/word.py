"""Word (.docx) documents in the layout of Party administrative documents.

The office finishes a report's text in Word before it is signed (DOMAIN.md
§8), so every report also comes as an editable copy laid out like the PDF
(DOMAIN.md §5): top left the issuing body under its superior, a star and the
number; top right "ĐẢNG CỘNG SẢN VIỆT NAM" underlined with the place and
date in italics; the centred title; numbered sections with their tables;
bottom left "Nơi nhận:", bottom right the signature block; A4, page numbers.
python-docx writes the file; nothing is fetched from anywhere.

This module knows nothing of reports: it lays out an ``OfficialDocument``
of plain text, which assessments/reports/rendering.py fills from the same
display cells as the page and the PDF, so the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
FONT = "Times New Roman"  # the font of Party and State documents
RED = RGBColor(0xB3, 0x26, 0x1E)


@dataclass
class Section:
    title: str
    # Lines under the title (how much of the year is approved …).
    lines: Sequence[str] = ()
    columns: Sequence[str] = ()
    # Which columns hold numbers (right-aligned).
    numeric: Sequence[bool] = ()
    rows: Sequence[Sequence[str]] = ()
    total: Sequence[str] | None = None
    note: str = ""
    empty: str = ""


@dataclass
class OfficialDocument:
    superior: str
    body: Sequence[str]
    number: str
    place_date: str
    title: str
    subject: Sequence[str]
    sections: Sequence[Section]
    intro: Sequence[str] = ()
    warning: str = ""
    recipients_label: str = "Nơi nhận:"
    recipients: Sequence[str] = ()
    signature: Sequence[str] = ()
    party: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    # Wide tables are laid out on landscape pages.
    landscape_from_columns: int = 10
    notes: Sequence[str] = field(default_factory=list)


def _paragraph(
    container,  # type: ignore[no-untyped-def]
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: int | None = None,
    colour: RGBColor | None = None,
    space_after: float = 2,
):  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph


def _first_paragraph(cell, text: str, **style) -> None:  # type: ignore[no-untyped-def]
    """Write into a cell's existing empty paragraph, then add the rest."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = style.get("bold", False)
    run.italic = style.get("italic", False)
    run.underline = style.get("underline", False)
    if style.get("size"):
        run.font.size = Pt(style["size"])
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_after = Pt(0)


def _page_number(section) -> None:  # type: ignore[no-untyped-def]
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, section: Section, size: float) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(section.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    numeric = list(section.numeric) or [False] * len(section.columns)
    for cell, label in zip(table.rows[0].cells, section.columns, strict=True):
        _first_paragraph(cell, label, bold=True, size=size)
    _repeat_header(table.rows[0])
    body = [(row, False) for row in section.rows]
    if section.total is not None:
        body.append((section.total, True))
    for values, is_total in body:
        cells = table.add_row().cells
        for cell, value, right in zip(cells, values, numeric, strict=False):
            _first_paragraph(
                cell,
                value,
                bold=is_total,
                size=size,
                align=WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT,
            )


def build_document(doc: OfficialDocument) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    # Word takes East Asian and complex-script text from their own slots.
    fonts = normal.element.rPr.get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    # Margins of Party documents: 20–25 mm top and bottom, 30–35 left, 15–20 right.
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number(section)

    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    _first_paragraph(left, doc.superior, size=12)
    for line in doc.body:
        _paragraph(
            left,
            line,
            bold=True,
            size=12,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_after=0,
        )
    _paragraph(left, "*", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(
        left, doc.number, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    _first_paragraph(right, doc.party, bold=True, underline=True, size=13)
    _paragraph(
        right, doc.place_date, italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )

    if doc.warning:
        _paragraph(
            document,
            doc.warning,
            bold=True,
            colour=RED,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_after=6,
        )
    _paragraph(document, doc.title, bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in doc.subject:
        _paragraph(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    for line in doc.intro:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=4)
    for line in doc.notes:
        _paragraph(document, line, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    for number, part in enumerate(doc.sections, start=1):
        _paragraph(document, f"{number}. {part.title}", bold=True, space_after=2)
        for line in part.lines:
            _paragraph(document, line, italic=True, size=11)
        if part.empty:
            _paragraph(document, part.empty, italic=True)
        else:
            wide = len(part.columns) >= doc.landscape_from_columns
            _table(document, part, 9 if wide else 11)
        if part.note:
            _paragraph(document, part.note, italic=True, size=11, space_after=6)

    _paragraph(document, "", space_after=6)
    foot = document.add_table(rows=1, cols=2)
    left, right = foot.rows[0].cells
    _first_paragraph(
        left,
        doc.recipients_label,
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for line in doc.recipients:
        _paragraph(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT, space_after=0)
    first, *rest = doc.signature or ("",)
    _first_paragraph(right, first, bold=True, size=13)
    for line in rest:
        _paragraph(right, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
