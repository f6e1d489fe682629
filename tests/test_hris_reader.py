"""The HRIS reader (orghealth/readers/hris.py) and the CSV plumbing under it (orghealth/readers/csv_files.py).

Every file is written into tmp_path by the test that reads it, as bytes where the encoding matters, and
every expected value is worked out by hand in the comment beside it.
"""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orghealth.config import HrisConfig
from orghealth.errors import InputFileError
from orghealth.readers.csv_files import decode, normalise_header, sniff_delimiter
from orghealth.readers.hris import ISO_FORMATS, detect_date_format, map_headers, read_hris

BOM = b"\xef\xbb\xbf"
# ISO first, then two-digit before four-digit years for each separator (/ . -), so "1/5/24" is 2024.
ISO = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
DAY_FIRST = ISO + ["%d/%m/%y", "%d/%m/%Y", "%d.%m.%y", "%d.%m.%Y", "%d-%m-%y", "%d-%m-%Y"]
MONTH_FIRST = ISO + ["%m/%d/%y", "%m/%d/%Y", "%m.%d.%y", "%m.%d.%Y", "%m-%d-%y", "%m-%d-%Y"]


def write(tmp_path: Path, data: bytes | str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def column(extract, field: str) -> list:
    return extract.rows[field].to_list()


# --- encodings -------------------------------------------------------------------------------------------


def test_utf8_with_bom_is_decoded_and_the_bom_is_not_part_of_the_first_header(tmp_path):
    text = (
        "Employee ID,Full Name,Manager ID,Job Title,Hire Date\r\n"
        "E1,Zoë Ångström,,CTO,2020-01-15\r\n"
        "E2,Bob Lee,E1,Software Engineer,2021-03-01\r\n"
    )
    path = write(tmp_path, BOM + text.encode("utf-8"))

    extract = read_hris(path, HrisConfig())

    assert extract.notes["encoding"] == "utf-8-sig"
    assert extract.notes["delimiter"] == ","
    # Had the BOM stayed, the first header would be "\ufeffEmployee ID"; it must come back clean.
    assert extract.headers == {
        "employee_id": "Employee ID",
        "name": "Full Name",
        "manager_id": "Manager ID",
        "title": "Job Title",
        "hire_date": "Hire Date",
    }
    assert column(extract, "employee_id") == ["E1", "E2"]
    assert column(extract, "name") == ["Zoë Ångström", "Bob Lee"]
    # E1's manager cell is empty: blank text becomes None, not "".
    assert column(extract, "manager_id") == [None, "E1"]
    assert column(extract, "title") == ["CTO", "Software Engineer"]
    # The header is line 1, so the two data rows are lines 2 and 3 (CRLF counts as one line end).
    assert column(extract, "source_line") == [2, 3]
    assert column(extract, "source_file") == [str(path), str(path)]
    assert extract.rows_read == {str(path): 2}
    assert extract.rejects == []
    # Fields the file has no column for are present and null.
    assert column(extract, "email") == [None, None]


def test_utf8_without_bom(tmp_path):
    text = "Employee ID,Full Name,Manager ID,Job Title,Hire Date\nE1,Zoë Ångström,,CTO,2020-01-15\n"
    path = write(tmp_path, text.encode("utf-8"))

    extract = read_hris(path, HrisConfig())

    assert extract.notes["encoding"] == "utf-8"
    assert column(extract, "name") == ["Zoë Ångström"]


def test_cp1252_file_is_decoded_as_cp1252(tmp_path):
    text = "Employee ID,Full Name,Manager ID,Job Title,Hire Date\nE1,Zoë O’Brien,,Head of € Ops,2020-01-15\n"
    data = text.encode("cp1252")
    # In cp1252 "ë" is 0xEB, "’" is 0x92 and "€" is 0x80. 0xEB followed by "," is not valid UTF-8 (0xEB
    # opens a three-byte sequence) and 0x92/0x80 are bare continuation bytes, so UTF-8 must fail and
    # cp1252, which defines all three, must be chosen over Latin-1.
    assert b"Zo\xeb O\x92Brien" in data
    assert b"\x80" in data
    path = write(tmp_path, data)

    extract = read_hris(path, HrisConfig())

    assert extract.notes["encoding"] == "cp1252"
    assert column(extract, "name") == ["Zoë O’Brien"]
    assert column(extract, "title") == ["Head of € Ops"]


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1(tmp_path):
    # 0x81 is one of the five bytes cp1252 leaves undefined, so only Latin-1 (U+0081) can decode it.
    path = write(tmp_path, b"a,b\nx\x81,y\n")
    assert decode(path) == ("a,b\nx\u0081,y\n", "latin-1")


def test_configured_encoding_that_does_not_fit_names_the_file(tmp_path):
    path = write(tmp_path, "Employee ID\nZoë\n".encode("cp1252"))
    with pytest.raises(InputFileError) as info:
        decode(path, "utf-8")
    assert str(path) in str(info.value)
    assert "utf-8" in str(info.value)


def test_empty_file_is_an_error_naming_it(tmp_path):
    path = write(tmp_path, b"  \n")
    with pytest.raises(InputFileError, match="is empty") as info:
        read_hris(path, HrisConfig())
    assert str(path) in str(info.value)


# --- delimiters --------------------------------------------------------------------------------------------


def test_semicolon_delimited_file(tmp_path):
    # European Excel writes ";" because "," is the decimal mark; the comma inside "Lee, Bob" is then text.
    text = (
        "Employee ID;Full Name;Manager ID;Job Title;Hire Date\n"
        "E1;Zoë Martin;;CEO;2020-01-15\n"
        "E2;Lee, Bob;E1;Engineer;2021-03-01\n"
    )
    path = write(tmp_path, text)

    extract = read_hris(path, HrisConfig())

    assert extract.notes["delimiter"] == ";"
    assert column(extract, "name") == ["Zoë Martin", "Lee, Bob"]
    assert column(extract, "manager_id") == [None, "E1"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ("a|b|c", "|"),
        # Three fields by ";" against two by ",": the split into more fields wins.
        ("Full Name, Jr;ID;Title", ";"),
        # One column only: nothing to choose from, so the CSV default.
        ("Employee ID", ","),
    ],
)
def test_sniff_delimiter(header, expected):
    assert sniff_delimiter(header) == expected


def test_normalise_header_ignores_case_accents_spacing_and_punctuation():
    assert normalise_header(" Employee_Name ") == "employeename"
    assert normalise_header("Employee #") == "employee#"
    assert normalise_header("Date of Hire") == normalise_header("DateofHire") == "dateofhire"
    assert normalise_header("Équipe") == "equipe"


def test_cr_only_line_ends_are_read(tmp_path):
    # Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR. The records themselves parse (the reader
    # splits on \r too); only delimiter sniffing on the first line breaks. Expected: ";" sniffed from the
    # header, E1 on line 2 and E2 on line 3.
    data = b"Employee ID;Full Name;Manager ID;Job Title;Hire Date\rE1;Zoe;;CEO;2020-01-15\rE2;Bob;E1;Eng;2021-01-01\r"
    path = write(tmp_path, data)

    extract = read_hris(path, HrisConfig())

    assert extract.notes["delimiter"] == ";"
    assert list(extract.rows.select("employee_id", "source_line").iter_rows()) == [("E1", 2), ("E2", 3)]


# --- header matching ---------------------------------------------------------------------------------------


def test_hrdataset_headers_are_recognised(tmp_path):
    # A slice of the public HRDataset (v14): names are "Last, First" in quotes, ids are numbers, dates US.
    # Columns with no canonical field (MarriedID, PositionID, Salary) are ignored; "PositionID" must not be
    # taken for "Position" because headers are matched whole, not by prefix.
    text = (
        "Employee_Name,EmpID,MarriedID,PositionID,Position,Salary,DateofHire,DateofTermination,"
        "EmploymentStatus,Department,ManagerName,ManagerID\n"
        '"Adinolfi, Wilson  K",10026,0,19,Production Technician I,62506,7/5/2011,,Active,'
        "Production       ,Michael Albert,22\n"
        '"Ait Sidi, Karthikeyan   ",10084,1,27,Sr. DBA,104437,3/30/2015,6/16/2016,Voluntarily Terminated,'
        "IT/IS,Simon Roup,4\n"
    )
    path = write(tmp_path, text)

    extract = read_hris(path, HrisConfig())

    assert extract.headers == {
        "employee_id": "EmpID",
        "name": "Employee_Name",
        "manager_id": "ManagerID",
        "manager_name": "ManagerName",
        "title": "Position",
        "department": "Department",
        "hire_date": "DateofHire",
        "termination_date": "DateofTermination",
        "status": "EmploymentStatus",
    }
    assert column(extract, "employee_id") == ["10026", "10084"]
    # Only the ends of a value are trimmed; the double space inside the name stays.
    assert column(extract, "name") == ["Adinolfi, Wilson  K", "Ait Sidi, Karthikeyan"]
    assert column(extract, "title") == ["Production Technician I", "Sr. DBA"]
    assert column(extract, "department") == ["Production", "IT/IS"]
    assert column(extract, "manager_name") == ["Michael Albert", "Simon Roup"]
    assert column(extract, "manager_id") == ["22", "4"]
    assert column(extract, "termination_date") == [None, "6/16/2016"]
    # "3/30/2015" and "6/16/2016" have a second part above 12: month-first evidence, none day-first.
    assert extract.notes["date_formats"] == MONTH_FIRST


def test_common_export_headers_map_without_config(tmp_path):
    header = ["Employee ID", "Full Name", "Manager ID", "Job Title", "Hire Date"]
    assert map_headers(tmp_path / "x.csv", header, {}) == {
        "employee_id": 0,
        "name": 1,
        "manager_id": 2,
        "title": 3,
        "hire_date": 4,
    }


def test_first_alias_in_default_order_wins():
    # Both "Job Title" and "Title" are title aliases; "Job Title" is listed first, so column 4 is taken
    # even though "Title" comes earlier in the file.
    header = ["Employee ID", "Name", "Manager", "Title", "Job Title", "Start Date"]
    assert map_headers(Path("x.csv"), header, {}) == {
        "employee_id": 0,
        "name": 1,
        "manager_name": 2,
        "title": 4,
        "hire_date": 5,
    }


def test_config_columns_override_the_defaults(tmp_path):
    # The file has an "ID" column (a default employee_id alias) holding a payroll number, and the real
    # employee id under "Staff Ref". The config maps employee_id to "staff_ref", which matches "Staff Ref"
    # after folding; the default aliases are then not tried, so "ID" is ignored.
    text = "ID,Staff Ref,Name,Boss,Title,Joined\n900,S-1,Zoë,,CEO,2020-01-15\n901,S-2,Bob,S-1,Engineer,2021-03-01\n"
    path = write(tmp_path, text)
    config = HrisConfig(columns={"employee_id": "staff_ref", "manager_id": "Boss", "hire_date": "Joined"})

    extract = read_hris(path, config)

    assert extract.headers == {
        "employee_id": "Staff Ref",
        "name": "Name",
        "manager_id": "Boss",
        "title": "Title",
        "hire_date": "Joined",
    }
    assert column(extract, "employee_id") == ["S-1", "S-2"]
    assert column(extract, "manager_id") == [None, "S-1"]
    assert column(extract, "hire_date") == ["2020-01-15", "2021-03-01"]


def test_configured_header_missing_from_file_is_an_error(tmp_path):
    text = "Employee ID,Full Name,Manager ID,Job Title,Hire Date\nE1,Zoë,,CEO,2020-01-15\n"
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as info:
        read_hris(path, HrisConfig(columns={"team": "Squad Name"}))
    message = str(info.value)
    assert str(path) in message
    assert "team" in message
    assert "'Squad Name'" in message
    # It also lists the headers the file does have, so the user can pick the right one.
    assert "Employee ID, Full Name, Manager ID, Job Title, Hire Date" in message


def test_missing_required_field_names_file_field_and_headers_tried(tmp_path):
    # No hire date column under any name.
    text = "Employee ID,Full Name,Manager ID,Job Title\nE1,Zoë,,CEO\n"
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as info:
        read_hris(path, HrisConfig())
    message = str(info.value)
    assert str(path) in message
    assert "required field hire_date" in message
    for tried in ("'Hire Date'", "'DateofHire'", "'Date of Hire'", "'Start Date'", "'Original Hire Date'"):
        assert tried in message
    assert "hris.columns" in message


def test_no_manager_column_at_all_is_an_error(tmp_path):
    text = "Employee ID,Full Name,Job Title,Hire Date\nE1,Zoë,CEO,2020-01-15\n"
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as info:
        read_hris(path, HrisConfig())
    message = str(info.value)
    assert str(path) in message
    assert "no manager column" in message
    for tried in ("'Manager ID'", "'Manager Email'", "'ManagerName'", "'Reports To'"):
        assert tried in message


# --- structural rejects ------------------------------------------------------------------------------------


def test_rows_with_wrong_field_count_or_over_several_lines_are_rejected_with_their_lines(tmp_path):
    # line 1: header (5 fields)
    # lines 2-3: E1, whose name is a quoted field spanning two lines: no HRIS writes that -> reject, lines 2-3
    # line 4: E2 with 6 fields      -> reject at line 4 (it is record 3, so a record count would say 3)
    # line 5: E3 with 4 fields      -> reject at line 5
    # line 6: E4, well formed       -> row at line 6
    text = (
        "Employee ID,Full Name,Manager ID,Job Title,Hire Date\n"
        'E1,"Zoë\nSmith",,CTO,2020-01-15\n'
        "E2,Bob,E1,Engineer,2021-03-01,extra\n"
        "E3,Cy,E1,Engineer\n"
        "E4,Di,E1,Engineer,2022-01-01\n"
    )
    path = write(tmp_path, text)

    extract = read_hris(path, HrisConfig())

    assert column(extract, "employee_id") == ["E4"]
    assert column(extract, "source_line") == [6]
    assert [(r.source_file, r.source_line, r.column_name, r.value, r.reason[:40]) for r in extract.rejects] == [
        (str(path), 2, None, None, "the row runs from line 2 to line 3: a qu"),
        (str(path), 4, None, None, "row has 6 fields but the header has 5"),
        (str(path), 5, None, None, "row has 4 fields but the header has 5"),
    ]
    # The record keeps what could be paired with the header, for a person to see.
    assert extract.rejects[2].record == {
        "Employee ID": "E3",
        "Full Name": "Cy",
        "Manager ID": "E1",
        "Job Title": "Engineer",
    }
    # Four records were read (E1..E4) on five lines after the header; the rejects count as read.
    assert extract.rows_read == {str(path): 4}
    assert extract.lines_read == {str(path): 5}


def test_an_unbalanced_quote_never_swallows_people_silently(tmp_path):
    # 12 people; person 11's status opens a quote that the line does not close, so the CSV reader takes
    # person 12's whole line into it and still counts the header's 6 fields: person 12 would vanish.
    people = [f"E{i},Person {i},E1,Engineer,2020-01-01,Active" for i in range(1, 13)]
    people[10] = 'E11,Person 11,E1,Engineer,2020-01-01,"Active'
    text = "Employee ID,Full Name,Manager ID,Job Title,Hire Date,Status\n" + "\n".join(people) + '\n"\n'
    path = write(tmp_path, text)

    extract = read_hris(path, HrisConfig())

    assert column(extract, "employee_id") == [f"E{i}" for i in range(1, 11)]
    ((reject,),) = [extract.rejects]
    assert (reject.source_line, reject.column_name) == (12, None)
    assert reject.reason.startswith('the row runs from line 12 to line 14: a quote (") opened on line 12')
    assert "lines 13-14 were read into this row" in reject.reason
    assert reject.record["Status"].startswith("Active\nE12,Person 12")  # what was swallowed is kept
    # 11 records on 13 lines: the two numbers tell that a record took more than its line.
    assert extract.rows_read == {str(path): 11} and extract.lines_read == {str(path): 13}


def test_blank_employee_id_is_rejected_naming_the_column(tmp_path):
    # line 2: E1; line 3: blank (skipped, not a record); line 4: id of spaces -> reject at line 4.
    lines = [
        "Employee #,Full Name,Manager ID,Job Title,Hire Date",
        "E1,Zoë,,CEO,2020-01-15",
        "",
        "  ,Bob,E1,Engineer,2021-03-01",
    ]
    text = "\n".join(lines) + "\n"
    path = write(tmp_path, text)

    extract = read_hris(path, HrisConfig())

    assert column(extract, "employee_id") == ["E1"]
    assert [(r.source_line, r.column_name, r.reason) for r in extract.rejects] == [
        (4, "Employee #", "employee id is blank")
    ]
    assert extract.rows_read == {str(path): 2}


# --- date formats ------------------------------------------------------------------------------------------


def test_day_first_evidence_picks_day_first_formats():
    # "25/12/2020": 25 > 12 can only be a day, so the file is day-first. "01/02/2020" says nothing.
    assert detect_date_format(["01/02/2020", "25/12/2020", None], "auto", Path("p.csv")) == DAY_FIRST


def test_month_first_evidence_picks_month_first_formats():
    # "12/25/2020": the second part 25 > 12 can only be a day, so month-first.
    assert detect_date_format(["12/25/2020", "01/02/2020"], "auto", Path("p.csv")) == MONTH_FIRST


def test_evidence_both_ways_is_an_error_quoting_both_values():
    with pytest.raises(InputFileError) as info:
        detect_date_format(["25/12/2020", "12/25/2020"], "auto", Path("p.csv"))
    message = str(info.value)
    assert "p.csv" in message
    assert "'25/12/2020'" in message
    assert "'12/25/2020'" in message
    assert "hris.date_format" in message


def test_configured_format_is_used_without_looking_at_values():
    # Configured DD/MM/YYYY wins even over month-first evidence.
    assert detect_date_format(["12/25/2020"], "DD/MM/YYYY", Path("p.csv")) == DAY_FIRST
    assert detect_date_format([], "MM/DD/YYYY", Path("p.csv")) == MONTH_FIRST


def test_iso_dates_stay_iso_first():
    # ISO values are no slash evidence; ISO formats still come first so they are tried before any slash one.
    formats = detect_date_format(["2020-12-25", "2021-01-02"], "auto", Path("p.csv"))
    assert formats[:3] == ISO_FORMATS == ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
    assert detect_date_format(["2020-12-25"], "YYYY-MM-DD", Path("p.csv")) == ISO_FORMATS


def test_read_hris_reports_day_first_formats_for_a_day_first_file(tmp_path):
    text = (
        "Employee ID,Full Name,Manager ID,Job Title,Hire Date,Termination Date\n"
        "E1,Zoë,,CEO,01/02/2020,\n"
        "E2,Bob,E1,Engineer,03/04/2021,25/12/2022\n"
    )
    path = write(tmp_path, text)
    # Only the termination date "25/12/2022" gives evidence, and it is day-first.
    assert read_hris(path, HrisConfig()).notes["date_formats"] == DAY_FIRST


def strptime(value: str, formats: list[str]) -> datetime | None:
    """Parse as the SQL models do: DuckDB's try_strptime with the formats in order."""
    return duckdb.connect().execute("SELECT try_strptime($v, $f)", {"v": value, "f": formats}).fetchone()[0]


def test_returned_formats_parse_four_digit_years_in_duckdb():
    day_first = detect_date_format(["25/12/2020"], "auto", Path("p.csv"))
    month_first = detect_date_format(["12/25/2020"], "auto", Path("p.csv"))
    assert strptime("25/12/2020", day_first) == datetime(2020, 12, 25)
    assert strptime("12/25/2020", month_first) == datetime(2020, 12, 25)


@pytest.mark.parametrize(
    ("values", "value", "expected"),
    [
        # Day-first evidence "25/12/20": "1/5/24" is 1 May 2024.
        (["25/12/20", "1/5/24"], "1/5/24", datetime(2024, 5, 1)),
        # No evidence, so US month-first: "1/5/24" is 5 January 2024.
        (["1/5/24"], "1/5/24", datetime(2024, 1, 5)),
    ],
)
def test_returned_formats_parse_two_digit_years_in_duckdb(values, value, expected):
    assert strptime(value, detect_date_format(values, "auto", Path("p.csv"))) == expected


def test_dotted_dates_counted_as_evidence_are_parsed_by_the_returned_formats():
    formats = detect_date_format(["25.12.2020"], "auto", Path("p.csv"))
    assert strptime("25.12.2020", formats) == datetime(2020, 12, 25)


def test_names_in_parts_are_joined_and_a_preferred_name_is_used_only_where_filled(tmp_path):
    # BambooHR-style: First Name, Last Name and a mostly blank Preferred Name; no full-name column.
    text = (
        "Employee #,First Name,Last Name,Preferred Name,Reports To,Job Title,Hire Date\n"
        "E1,Katherine,Ng,Kate,,CEO,2020-01-15\n"
        "E2,Robert,Smith,,E1,Engineer,2021-03-01\n"
        "E3,,Cher,,E1,Singer,2021-03-01\n"
    )
    extract = read_hris(write(tmp_path, text), HrisConfig())
    assert extract.rejects == []
    assert column(extract, "name") == ["Kate Ng", "Robert Smith", "Cher"]
    assert extract.headers["name"] == "Preferred Name or First Name + Last Name"


def test_a_full_name_column_wins_over_the_parts_and_the_preferred_name(tmp_path):
    text = "Employee ID,First Name,Last Name,Preferred Name,Full Name,Manager ID,Job Title,Hire Date\n" \
           "E1,Katherine,Ng,Kate,Katherine Ng-Li,,CEO,2020-01-15\n"  # fmt: skip
    extract = read_hris(write(tmp_path, text), HrisConfig())
    assert column(extract, "name") == ["Katherine Ng-Li"]


def test_hris_columns_name_may_list_the_columns_to_join(tmp_path):
    text = "Employee ID,Vorname,Nachname,Manager ID,Job Title,Hire Date\nE1,Jörg,Weiß,,CTO,2020-01-15\n"
    extract = read_hris(write(tmp_path, text), HrisConfig(columns={"name": ["Vorname", "Nachname"]}))
    assert column(extract, "name") == ["Jörg Weiß"] and extract.headers["name"] == "Vorname + Nachname"
    with pytest.raises(InputFileError, match="hris.columns.name lists 'Surname'"):
        read_hris(write(tmp_path, text), HrisConfig(columns={"name": ["Vorname", "Surname"]}))


def test_no_name_at_all_names_both_ways_of_giving_one(tmp_path):
    text = "Employee ID,Preferred Name,Manager ID,Job Title,Hire Date\nE1,Kate,,CTO,2020-01-15\n"
    with pytest.raises(InputFileError) as info:
        read_hris(write(tmp_path, text), HrisConfig())
    message = str(info.value)
    assert "required field name not found" in message and "'Full Name'" in message
    assert "first and last name headers ('First Name'" in message and "hris.columns.name" in message
