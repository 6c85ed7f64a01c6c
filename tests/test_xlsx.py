from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from partyquality.xlsx import Sheet, build_workbook


def test_formulas_are_neutralised_and_numbers_stay_numbers() -> None:
    data = build_workbook(
        [
            Sheet(
                "Danh sách",
                ["Tên", "Số"],
                [['=HYPERLINK("x")', 5], ["-1+2", 2.5], ["@cmd", None]],
            )
        ]
    )
    ws = load_workbook(BytesIO(data)).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws["A"]][1:] == ['\'=HYPERLINK("x")', "'-1+2", "'@cmd"]
    assert [c.value for c in ws["B"]][1:] == [5, 2.5, None]
    assert all(c.data_type != "f" for c in ws["A"])


def test_dates_are_written_as_dates_shown_day_first() -> None:
    import datetime

    data = build_workbook([Sheet("Ngày", ["Ngày sinh"], [[datetime.date(1980, 1, 2)]])])
    cell = load_workbook(BytesIO(data)).active["A2"]
    assert cell.value.date() == datetime.date(1980, 1, 2)  # read back as a datetime
    assert cell.number_format == "dd/mm/yyyy"
