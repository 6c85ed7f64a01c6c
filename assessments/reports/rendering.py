"""The three renderings of a report: the page, the workbook and the PDF.

A builder's dataclass gives ``tables()`` and ``charts()``; here they become
display cells (percentages rounded to one decimal, here and only here), sheets
with numerator and denominator beside every percentage, and an official
document (DOMAIN.md §5).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.reports.common import (
    DELTA,
    INT,
    NUMBER,
    RATIO,
    TEXT,
    YEAR,
    Ratio,
    Table,
)
from organizations.models import Kind, Level, Unit
from organizations.tree import ancestor_ids
from partyquality import numbers, xlsx
from partyquality.charts import Series, bar_chart
from partyquality.pdf import html_to_pdf
from partyquality.word import (
    DOCX_CONTENT_TYPE,
    OfficialDocument,
    build_document,
)
from partyquality.word import Section as OfficialSection

FORMATS = ("html", "xlsx", "pdf", "docx")
# What a reader may download; large PDFs go through the background worker.
DOWNLOADS = ("xlsx", "pdf", "docx")
# Laid out page by page: too slow for a request when the report is large.
DOCUMENTS = ("pdf", "docx")
# In the PDF, a named list longer than this is printed as numbered lines
# (one block per person) instead of a ruled table: WeasyPrint lays out every
# table cell as its own box, and a 1,500-row, 6-column annex took ~5 times
# as long as the same lines (bench/RESULTS-reports.md).
LISTING_ROWS = 150


@dataclass
class Cell:
    text: str
    css: str = ""
    detail: str = ""


def display(value: Any, kind: str) -> Cell:
    """A value as Vietnamese documents write it (partyquality/numbers.py)."""
    if value is None or value == "":
        return Cell("—" if kind != TEXT else "", "num" if kind != TEXT else "")
    if isinstance(value, Ratio):
        detail = f"{numbers.grouped(value.num)}/{numbers.grouped(value.den)}"
        if value.value is None:
            return Cell("—", "num", detail)
        return Cell(numbers.percent(value.value), "num", detail)
    if kind == DELTA:
        text = numbers.points(value)
        return Cell(text, "num delta" + (" neg" if text.startswith("-") else ""))
    if kind == YEAR:
        return Cell(numbers.year(value), "num")
    if kind == NUMBER and isinstance(value, float | int):
        return Cell(numbers.decimal(float(value)), "num")
    if isinstance(value, int) and kind in (INT, RATIO):
        return Cell(numbers.grouped(value), "num")
    return Cell(str(value))


def table_context(table: Table, *, later: bool = False) -> dict[str, Any]:
    """A table as the templates draw it; with ``later`` (the page) the
    approval line is left to load after the figures (``views.approvals``)."""
    kinds = [c.kind for c in table.columns]
    listing = len(table.rows) > LISTING_ROWS and all(
        c.kind in (TEXT, INT) for c in table.columns
    )
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": table.columns,
        "rows": [
            [display(v, k) for v, k in zip(row, kinds, strict=False)]
            for row in table.rows
        ],
        "total": None
        if table.total is None
        else [display(v, k) for v, k in zip(table.total, kinds, strict=False)],
        "empty": not table.rows,
        "approval": "" if later else str(table.approval),
        "approval_later": later and table.approval != "",
        "listing": [
            " — ".join(str(v) for v in row if v not in (None, "")) for row in table.rows
        ]
        if listing
        else None,
    }


def charts(report: Any) -> list:
    svgs = []
    for spec in report.charts():
        if spec.groups:
            labels = [b.label for b in spec.groups[0]]
            series = [
                Series(name, [b.value for b in bars])
                for name, bars in zip(spec.series, spec.groups, strict=False)
            ]
        else:
            labels = [b.label for b in spec.bars]
            series = [Series(spec.title, [b.value for b in spec.bars])]
        svgs.append(bar_chart(spec.title, labels, series, unit=spec.unit))
    return svgs


def context(report: Any, *, later: bool = False) -> dict[str, Any]:
    return {
        "report": report,
        "provisional": getattr(report, "provisional", False),
        "tables": [table_context(t, later=later) for t in report.tables()],
        "charts": charts(report),
    }


# -- workbook ---------------------------------------------------------------

XLSX_FORMATS = {
    INT: xlsx.INTEGER,
    YEAR: xlsx.YEAR,
    NUMBER: xlsx.DECIMAL,
    DELTA: xlsx.POINTS,
    TEXT: None,
}


def heading_lines(report: Any) -> list[str]:
    """What every sheet (and the Word copy) says above its table."""
    provisional = getattr(report, "provisional", False)
    title = report.title + (f" ({_('TẠM TÍNH')})" if provisional else "")
    years = [str(_("Năm: {year}")).format(year=report.year)]
    if report.compare_year and "compare" in _options(report):
        years.append(str(_("so sánh với năm {year}")).format(year=report.compare_year))
    if report.base_year and report.base_year != report.compare_year:
        years.append(str(_("năm gốc {year}")).format(year=report.base_year))
    source = (
        _(
            "Nguồn: số liệu tạm tính, gồm cả các tổ chức chưa được duyệt, tính ngày {day}."
        )
        if provisional
        else _("Nguồn: số liệu chính thức đã được cấp trên duyệt, lập ngày {day}.")
    )
    return [
        title,
        str(_("Đơn vị: {unit}")).format(unit=report.root.name),
        "; ".join(years),
        str(source).format(day=timezone.localdate().strftime("%d/%m/%Y")),
    ]


def _options(report: Any) -> tuple[str, ...]:
    from assessments.reports.registry import REPORTS

    module = REPORTS.get(report.slug)
    return getattr(module, "YEAR_OPTIONS", ())


def report_sheet(table: Table, lines: list[str], warning: str) -> xlsx.ReportSheet:
    """A table as a sheet: a share becomes its count, its base and the
    percentage as a real fraction, so that Excel can add them up again."""
    columns: list[xlsx.ReportColumn] = []
    for c in table.columns:
        if c.kind == RATIO:
            columns += [
                xlsx.ReportColumn(f"{c.label} — {_('số lượng')}", xlsx.INTEGER),
                xlsx.ReportColumn(f"{c.label} — {_('tổng số')}", xlsx.INTEGER),
                xlsx.ReportColumn(f"{c.label} — {_('tỷ lệ')}", xlsx.PERCENT),
            ]
        else:
            columns.append(xlsx.ReportColumn(c.label, XLSX_FORMATS.get(c.kind)))

    def cells(row: list) -> list:
        out: list = []
        for value, c in zip(row, table.columns, strict=False):
            if c.kind != RATIO:
                out.append(value)
            elif isinstance(value, Ratio):
                out += [
                    value.num,
                    value.den,
                    None if value.value is None else value.value / 100,
                ]
            else:
                out += [value, None, None]
        return out

    line = [*lines]
    if table.approval != "":
        line.append(str(table.approval))
    return xlsx.ReportSheet(
        title=table.title,
        lines=line,
        columns=columns,
        rows=[cells(r) for r in table.rows],
        total=None if table.total is None else cells(table.total),
        note=table.note,
        warning=warning,
    )


def workbook(report: Any) -> bytes:
    lines = heading_lines(report)
    warning = (
        str(_("SỐ LIỆU TẠM TÍNH — CHƯA ĐƯỢC DUYỆT, KHÔNG DÙNG ĐỂ TRÌNH KÝ"))
        if getattr(report, "provisional", False)
        else ""
    )
    index_lines = [*lines[1:], *([warning] if warning else []), *report.notes]
    return xlsx.build_report_workbook(
        index_title=lines[0],
        index_lines=index_lines,
        sheets=[report_sheet(t, lines, warning) for t in report.tables()],
    )


# -- PDF --------------------------------------------------------------------


def _issuer(root: Unit, day: datetime.date) -> dict[str, str]:
    """Top-left block: the issuing body under its superior (DOMAIN.md §5)."""
    ids = ancestor_ids(root.pk, day) if root.is_open_on(day) else [root.pk]
    names = dict(Unit.objects.filter(id__in=ids).values_list("id", "name"))
    superior = names.get(ids[-2]) if len(ids) > 1 else None
    top = names.get(ids[0], root.name)
    place = top
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Tỉnh ", "Thành phố "):
        if place.startswith(prefix):
            place = place[len(prefix) :]
    # Tỉnh ủy → TU, huyện/thị/thành ủy → HU (before 1 July 2025); every
    # đảng ủy, including the new commune committees, → ĐU.
    if root.level == Level.PROVINCE:
        suffix = "BC/TU"
    elif root.level == Level.SUPERIOR and root.kind in (
        Kind.DISTRICT,
        Kind.TOWN,
        Kind.CITY,
    ):
        suffix = "BC/HU"
    else:
        suffix = "BC/ĐU"
    return {
        "superior": (superior or "").upper(),
        "body_lines": [root.name.upper()]
        if superior
        else [root.name.upper(), str(_("BAN THƯỜNG VỤ"))],
        "number": suffix,
        "place": place,
    }


def document_context(report: Any, today: datetime.date) -> dict[str, Any]:
    """What the PDF and the Word copy both print: the same header, the same
    sentences and the same display cells (so the same numbers)."""
    ctx = context(report)
    issuer = _issuer(report.root, datetime.date(report.year, 12, 31))
    provisional = getattr(report, "provisional", False)
    # "BÁO CÁO" is the document type; the subject follows it in lower case.
    subject = report.title
    if subject.lower().startswith("báo cáo "):
        subject = subject[len("báo cáo ") :]
    intro = str(
        _(
            "Số liệu tính đến ngày 31/12/{year} trên địa bàn {unit}, theo hệ thống "
            "tổ chức tại thời điểm đó."
        )
    ).format(year=report.year, unit=report.root.name)
    if report.compare_year and "compare" in _options(report):
        intro += " " + str(_("So sánh với năm {year}.")).format(
            year=report.compare_year
        )
    intro += " " + str(
        _("Số liệu tạm tính gồm cả các tổ chức chưa được cấp trên duyệt.")
        if provisional
        else _("Số liệu chính thức của các tổ chức đã được cấp trên duyệt.")
    )
    ctx |= {
        "issuer": issuer,
        "today": today,
        "place_date": str(_("{place}, ngày {d} tháng {m} năm {y}")).format(
            place=issuer["place"], d=today.day, m=today.month, y=today.year
        ),
        # The number is left blank for the office to fill in when it is issued.
        "number": f"{_('Số')}\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-{issuer['number']}",
        "subject": subject[:1].upper() + subject[1:],
        "subject_year": str(_("năm {year}")).format(year=report.year),
        "intro": intro,
        "warning": str(_("SỐ LIỆU TẠM TÍNH — CHƯA ĐƯỢC DUYỆT, KHÔNG DÙNG ĐỂ TRÌNH KÝ"))
        if provisional
        else "",
        "recipients": [
            str(_("Ban Thường vụ cấp trên,")),
            str(_("Các đồng chí Ủy viên Ban Thường vụ,")),
            str(_("Lưu Văn phòng.")),
        ],
    }
    return ctx


def document_html(report: Any, *, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return render_to_string(
        "reports/pdf/document.html", document_context(report, today)
    )


def pdf(report: Any, *, today: datetime.date | None = None) -> bytes:
    return html_to_pdf(document_html(report, today=today))


def cell_text(cell: Cell, columns: int) -> str:
    """A cell as the PDF prints it: a share with its count and base while
    the table is narrow enough."""
    if cell.detail and columns < 10:
        return f"{cell.text} ({cell.detail})"
    return cell.text


def word(report: Any, *, today: datetime.date | None = None) -> bytes:
    """The editable copy (DOMAIN.md §8): the PDF's layout and numbers in Word."""
    ctx = document_context(report, today or timezone.localdate())
    issuer = ctx["issuer"]
    sections = []
    for t in ctx["tables"]:
        n = len(t["columns"])
        sections.append(
            OfficialSection(
                title=t["title"],
                lines=[t["approval"] + "."] if t["approval"] else [],
                columns=[c.label for c in t["columns"]],
                numeric=[c.kind != TEXT for c in t["columns"]],
                rows=[[cell_text(c, n) for c in row] for row in t["rows"]],
                total=None
                if t["total"] is None
                else [cell_text(c, n) for c in t["total"]],
                note=t["note"],
                empty=str(_("Không có.")) if t["empty"] else "",
            )
        )
    title = str(_("BÁO CÁO"))
    if ctx["provisional"]:
        title += f" ({_('TẠM TÍNH')})"
    return build_document(
        OfficialDocument(
            superior=issuer["superior"],
            body=issuer["body_lines"],
            number=ctx["number"],
            place_date=ctx["place_date"],
            title=title,
            subject=[ctx["subject"], ctx["subject_year"]],
            intro=[ctx["intro"]],
            notes=list(report.notes),
            warning=ctx["warning"],
            sections=sections,
            recipients_label=str(_("Nơi nhận:")),
            recipients=[f"- {line}" for line in ctx["recipients"]],
            signature=[str(_("T/M BAN THƯỜNG VỤ")), str(_("BÍ THƯ"))],
            party=str(_("ĐẢNG CỘNG SẢN VIỆT NAM")),
        )
    )


def render(report: Any, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file extension)."""
    if fmt == "xlsx":
        from partyquality.xlsx import XLSX_CONTENT_TYPE

        return workbook(report), XLSX_CONTENT_TYPE, "xlsx"
    if fmt == "pdf":
        return pdf(report), "application/pdf", "pdf"
    if fmt == "docx":
        return word(report), DOCX_CONTENT_TYPE, "docx"
    html = render_to_string("reports/report_print.html", context(report))
    return html.encode(), "text/html; charset=utf-8", "html"
