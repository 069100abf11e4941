"""Rendering a DCC for people: standalone HTML and PDF, per language."""

from __future__ import annotations

import copy
import dataclasses
import doctest
import re
from datetime import date

import pytest
from lxml import html as lxml_html

import sitrace.dcc.render
from sitrace.dcc.model import (
    Certificate,
    Contact,
    Quantity,
    QuantityList,
    ReadIssue,
    Result,
    SiComplex,
    SiConstant,
    SiHybrid,
    SiList,
    SiReal,
    Text,
    Uncertainty,
)
from sitrace.dcc.render import (
    AUTHORITATIVE_NOTE,
    EMBEDDED_WARNING,
    embedded_document,
    languages,
    qr_payload,
    render_all,
    render_html,
    render_pdf,
)
from sitrace.errors import InputError

from ._render_fixtures import temperature_certificate

DIGEST = bytes(range(32))


@pytest.fixture(scope="module")
def cert() -> Certificate:
    return temperature_certificate()


@pytest.fixture(scope="module")
def page_en(cert):
    return lxml_html.document_fromstring(render_html(cert, lang="en", digest=DIGEST))


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def header_texts(table) -> list[str]:
    return [text_of(th) for th in table.xpath(".//thead/tr/th")]


def body_rows(table) -> list[list[str]]:
    return [[text_of(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")]


def with_result(cert: Certificate, *quantities: Quantity) -> Certificate:
    """The certificate with one result holding ``quantities``."""
    mr = dataclasses.replace(
        cert.measurement_results[0], results=(Result(Text.of("Result"), quantities),)
    )
    return dataclasses.replace(cert, measurement_results=(mr,))


def result_tables(page_html: str):
    page = lxml_html.document_fromstring(page_html)
    return page.xpath('//section[@class="result"]//table[contains(@class, "quantities")]')


# ------------------------------------------------------------------------------ HTML


def test_html_is_one_standalone_document(cert):
    text = render_html(cert, lang="en", digest=DIGEST)
    assert text.startswith("<!DOCTYPE html>")
    page = lxml_html.document_fromstring(text)
    assert not page.xpath("//script | //link | //iframe | //object | //embed | //img")
    assert not page.xpath("//@src")
    for attribute in page.xpath("//@href | //@*[local-name()='href']"):
        assert attribute.startswith("#"), attribute  # only references inside an inline SVG
    style = text_of(page.xpath("//style")[0])
    assert "url(" not in style and "@import" not in style
    assert "Content-Security-Policy" in text


def test_html_has_the_administrative_block(page_en):
    admin = text_of(page_en.xpath('//section[@class="administrative-data"]')[0])
    for expected in (
        "GP_DCC_temperature_typical_1.2",
        "Order no. (calibration laboratory) string-calibrationLaboratory-coreData",
        "Date of calibration 1957-08-13",
        "Place of calibration calibration laboratory",
        "Kalibrierfirma GmbH",
        "Musterstraße 1",
        "Kunde GmbH",
        "Customer ID no. 1024418",
        "Temperature sensor",
        "Serial no. (manufacturer) string-manufacturer-item",
        "Recalibration date 1959-10-22",
        "Conformity pass",
        "Notepad++ (32-bit) v 8.2",
    ):
        assert expected in admin, expected
    main = page_en.xpath('//div[contains(@class, "main-signer")]')
    assert [text_of(div.xpath(".//h4")[0]) for div in main] == ["Michaela Musterfrau main signer"]


def test_html_has_the_measurement_result_with_its_context(page_en):
    section = page_en.xpath('//section[@class="measurement-result"]')[0]
    assert text_of(section.xpath("./h2")[0]) == "Measurement results"
    assert "Expanded uncertainty" in text_of(section.xpath('.//section[@class="methods"]')[0])
    assert "Pt 100 thermometer" in text_of(section.xpath('.//section[@class="equipment"]')[0])
    conditions = section.xpath('.//section[@class="conditions"]')[0]
    (table,) = conditions.xpath(".//table")
    assert header_texts(table) == ["Immersion depth in m"]
    assert body_rows(table) == [["0.1"]]


def test_html_result_table_has_one_column_per_quantity_and_unit(page_en):
    (table,) = page_en.xpath('//section[@class="result"]//table')
    assert header_texts(table) == [
        "Reference value in K",
        "Reference value in ℃",
        "Indicated measured value probe in K",
        "Indicated measured value probe in ℃",
        "Measurement error in K ± U, k = 2, p = 95 %",
    ]
    rows = body_rows(table)
    assert len(rows) == 5
    assert rows[0] == ["306.248", "33.098", "306.32", "33.17", "0.072 ± 0.061"]
    assert rows[3][4] == "-0.009 ± 0.061"  # one U for all five values (D-SI "1 or N")
    assert table.xpath(".//tbody/tr[1]/td[5]/span[@class='value']")[0].text == "0.072"
    assert table.xpath(".//tbody/tr[1]/td[5]/span[@class='unc']")[0].text == " ± 0.061"


def test_html_plots_lists_of_three_or_more_entries(cert, page_en):
    figures = page_en.xpath('//section[@class="result"]//figure[@class="plot"]')
    assert len(figures) == 1
    assert figures[0].xpath(".//*[local-name()='svg']")
    two = with_result(cert, Quantity(name=Text.of("x"), value=SiList((1.0, 2.0), (r"\metre",))))
    assert 'class="plot"' not in render_html(two)


def test_html_in_another_language_and_the_default_language(cert):
    de = lxml_html.document_fromstring(render_html(cert, lang="de"))
    assert de.get("lang") == "de"
    assert text_of(de.xpath("//h1")[0]) == "Kalibrierschein"
    (table,) = de.xpath('//section[@class="result"]//table')
    assert header_texts(table)[0] == "Bezugswert in K"
    assert "Datum der Kalibrierung" in text_of(de)
    assert render_html(cert) == render_html(cert, lang="de")  # the first mandatory language


def test_missing_language_falls_back_to_neutral_then_any_text_marked(cert):
    page = lxml_html.document_fromstring(render_html(cert, lang="fr"))
    assert page.get("lang") == "fr"
    (table,) = page.xpath('//section[@class="result"]//table')
    first = table.xpath(".//thead/tr/th[1]/span[@class='qname']")[0]
    marked = first.xpath("./span[@class='fallback']")[0]
    assert (marked.text, marked.get("lang")) == ("Bezugswert", "de")
    assert first.xpath("./sup[@class='lang-mark']")[0].text == "[de]"
    # language-neutral content is the text in every language, unmarked
    lab = page.xpath('//section[@class="laboratory"]//h4')[0]
    assert text_of(lab) == "Kalibrierfirma GmbH" and not lab.xpath(".//span")
    assert text_of(page.xpath("//h1")[0]) == "Calibration certificate"  # English words


def test_every_certificate_text_is_escaped(cert):
    evil = "<script>alert(1)</script>"
    item = dataclasses.replace(cert.items[0], name=Text.of(en=evil, de=evil))
    plotted = Quantity(
        name=Text.of(f"--><script>alert(2)</script> $x^2$ {evil}"),
        value=SiList((1.0, 2.0, 3.0), (r"\metre",)),
    )
    bad = with_result(dataclasses.replace(cert, items=(item,)), plotted)
    bad = dataclasses.replace(
        bad,
        customer=Contact(Text.of('"><img src=x onerror=alert(3)>'), email="<b>@x"),
    )
    text = render_html(bad, lang="en")
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    page = lxml_html.document_fromstring(text)
    assert evil in text_of(page.xpath('//div[contains(@class, "item")]/h4')[0])
    assert page.xpath('//section[@class="result"]//figure[@class="plot"]')
    pdf = render_pdf(bad, lang="en", compress=False)  # reportlab markup is escaped too
    assert pdf.startswith(b"%PDF")


def test_uncertainty_forms_and_broadcasts(cert):
    quantities = (
        Quantity(
            name=Text.of("standard"),
            value=SiList(
                (1.0, 2.0, 3.0), (r"\metre",), uncertainty=Uncertainty("standardMU", (0.1,))
            ),
        ),
        Quantity(
            name=Text.of("k per entry"),
            value=SiList(
                (1.0, 2.0, 3.0),
                (r"\volt", r"\milli\volt", r"\volt"),
                uncertainty=Uncertainty(
                    "expandedMU", (0.2, 0.3, 0.4), coverage_factor=(2.0, 2.5, 2.0)
                ),
            ),
        ),
        Quantity(
            name=Text.of("interval"),
            value=SiList(
                (1.0, 2.0, 3.0),
                (r"\second",),
                uncertainty=Uncertainty(
                    "coverageIntervalMU",
                    (0.1,),
                    coverage_probability=(0.95,),
                    interval_min=(0.8, 1.8, 2.8),
                    interval_max=(1.2, 2.2, 3.2),
                ),
            ),
        ),
        Quantity(
            name=Text.of("mismatched"),
            value=SiList(
                (1.0, 2.0, 3.0),
                (r"\second",),
                uncertainty=Uncertainty("expandedMU", (0.1, 0.2), coverage_factor=(2.0,)),
            ),
        ),
    )
    (table,) = result_tables(render_html(with_result(cert, *quantities), lang="en"))
    assert header_texts(table) == [
        "standard in m (u): standard uncertainty",
        "k per entry ± U",
        "interval in s (u): standard uncertainty, [ ]: coverage interval, p = 95 %",
        "mismatched in s ± U, k = 2",
    ]
    assert body_rows(table) == [
        ["1 (u = 0.1)", "1 ± 0.2 (k = 2) V", "1 (u = 0.1) [0.8, 1.2]", "1 ± ?"],
        ["2 (u = 0.1)", "2 ± 0.3 (k = 2.5) mV", "2 (u = 0.1) [1.8, 2.2]", "2 ± ?"],
        ["3 (u = 0.1)", "3 ± 0.4 (k = 2) V", "3 (u = 0.1) [2.8, 3.2]", "3 ± ?"],
    ]


def test_quantities_of_different_lengths_and_kinds_go_to_separate_tables(cert):
    quantities = (
        Quantity(name=Text.of("mass"), value=SiReal(1.0000012, r"\kilogram")),
        Quantity(name=Text.of("list"), value=SiList((1e-5, 2e-5, 3.5e-5), (r"\pascal",))),
        Quantity(
            name=Text.of("G"), value=SiConstant(6.6743e-11, r"\metre\tothe{3}", uncertainty=1.5e-15)
        ),
        Quantity(name=Text.of("Z"), value=SiComplex(r"\ohm", real=50.0, imag=-0.5)),
        Quantity(
            name=Text.of("polar"),
            value=SiComplex(r"\volt", magnitude=2.0, phase=90.0, unit_phase=r"\degree"),
        ),
        Quantity(name=Text.of("note"), no_quantity=Text.of("no value measured")),
        Quantity(value=SiReal(0.5, r"\one"), ref_type="basic_ratio"),
    )
    tables = result_tables(render_html(with_result(cert, *quantities), lang="en"))
    assert [len(body_rows(t)) for t in tables] == [1, 3]
    assert header_texts(tables[0]) == [
        "mass in kg",
        "G in m³ (u): standard uncertainty",
        "Z",
        "polar",
        "note",
        "basic_ratio",
    ]
    assert body_rows(tables[0]) == [
        [
            "1.0000012",
            "6.6743·10⁻¹¹ (u = 1.5·10⁻¹⁵)",
            "(50 - 0.5j) Ω",
            "2 V ∠ 90 °",
            "no value measured",
            "0.5",
        ]
    ]
    assert [row[0] for row in body_rows(tables[1])] == ["1·10⁻⁵", "2·10⁻⁵", "3.5·10⁻⁵"]


def test_a_list_of_unnamed_reals_is_one_column_as_in_ptb_certificates(cert):
    def column(name, values, unit, us):
        return QuantityList(
            tuple(
                Quantity(
                    value=SiReal(v, unit, uncertainty=Uncertainty("expandedUnc", (u,), (2.0,)))
                )
                for v, u in zip(values, us, strict=True)
            ),
            name=Text.of(en=name),
        )

    pressure = column("calibration pressure", (26.65, 132.616, 269.9), r"\pascal", (0.04, 0.2, 0.2))
    error = column("relative error", (0.0094, 0.0033, 0.0031), r"\one", (0.006, 0.0019, 0.0012))
    page = lxml_html.document_fromstring(render_html(with_result(cert, pressure, error), lang="en"))
    (table,) = page.xpath('//section[@class="result"]//table')
    assert header_texts(table) == [
        "calibration pressure in Pa ± U, k = 2",
        "relative error ± U, k = 2",
    ]
    assert body_rows(table)[1] == ["132.616 ± 0.2", "0.0033 ± 0.0019"]
    assert page.xpath('//section[@class="result"]//figure[@class="plot"]')


def test_a_list_of_named_quantities_is_a_table_of_its_own_with_a_caption(cert):
    nested = QuantityList(
        (
            Quantity(name=Text.of("a"), value=SiReal(1.0, r"\metre")),
            Quantity(name=Text.of("b"), value=SiReal(2.0, r"\metre")),
        ),
        name=Text.of(en="Geometry", de="Geometrie"),
    )
    top = Quantity(name=Text.of("c"), value=SiReal(3.0, r"\second"))
    tables = result_tables(render_html(with_result(cert, nested, top), lang="de"))
    assert [header_texts(t) for t in tables] == [["c in s"], ["a in m", "b in m"]]
    assert not tables[0].xpath("./caption")
    assert text_of(tables[1].xpath("./caption")[0]) == "Geometrie"


def test_unnamed_and_unreadable_quantities(cert):
    unnamed = Quantity(value=SiReal(9000.0, r"\second"))
    unreadable = Quantity(name=Text.of("T"), value=SiHybrid(()))  # values kept in the XML
    uncovered = Quantity(name=Text.of("chars"))  # e.g. dcc:charsXMLList, not modelled
    (table,) = result_tables(render_html(with_result(cert, unnamed, unreadable, uncovered)))
    assert header_texts(table) == ["s", "T", "chars"]
    assert body_rows(table) == [
        ["9000", "hier nicht dargestellt (siehe XML)", "hier nicht dargestellt (siehe XML)"]
    ]


def test_a_certificate_read_with_missing_parts_still_renders(cert):
    broken = dataclasses.replace(cert, core_data=None, calibration_laboratory=None, customer=None)
    object.__setattr__(
        broken, "issues", (ReadIssue("c.xml line 7", "/dcc:x/dcc:y", "'§A§' is not a date"),)
    )
    page = lxml_html.document_fromstring(render_html(broken))
    assert page.get("lang") is None  # no language known: English words, texts marked
    assert text_of(page.xpath("//h1")[0]) == "Calibration certificate"
    assert text_of(page.xpath('//section[@class="laboratory"]//h4')[0]) == "—"
    issues = page.xpath('//div[contains(@class, "read-issues")]//li')
    assert [text_of(li) for li in issues] == [
        "c.xml line 7, /dcc:x/dcc:y: '§A§' is not a date; kept as written"
    ]
    assert page.xpath('//code[@class="qr-payload"]')[0].text == "DCC:"
    assert languages(broken) == ()
    assert render_pdf(broken).startswith(b"%PDF")


def test_docstring_examples():
    result = doctest.testmod(sitrace.dcc.render)
    assert result.attempted > 0 and result.failed == 0


def test_units_that_are_not_dsi_are_shown_as_written(cert):
    odd = Quantity(name=Text.of("p"), value=SiReal(760.0, "|mmHg"))
    (table,) = result_tables(render_html(with_result(cert, odd), lang="en"))
    assert header_texts(table) == ["p in |mmHg"]


def test_qr_code_carries_identifier_and_digest(cert, page_en):
    payload = "DCC:GP_DCC_temperature_typical_1.2;SHA256:" + DIGEST.hex()
    assert qr_payload(cert.core_data.unique_identifier, DIGEST) == payload
    figure = page_en.xpath('//figure[@class="qr"]')[0]
    assert figure.xpath(".//*[local-name()='svg']")
    assert figure.xpath(".//code")[0].text == payload
    without = lxml_html.document_fromstring(render_html(cert, lang="en"))
    assert without.xpath('//code[@class="qr-payload"]')[0].text == (
        "DCC:GP_DCC_temperature_typical_1.2"
    )


def test_qr_payload_escapes_the_separator_and_checks_the_digest():
    assert qr_payload("a;b%c\n") == "DCC:a%3Bb%25c%0A"
    with pytest.raises(
        InputError, match="digest: must be the 32-byte SHA-256 digest, got 20 bytes"
    ):
        qr_payload("x", bytes(20))
    with pytest.raises(InputError, match="got str"):
        qr_payload("x", "ab" * 32)


def test_status_boxes_show_verification_and_validation(cert):
    class Summary:
        def __init__(self, **data):
            self.data = data

        def to_dict(self):
            return self.data

    page = lxml_html.document_fromstring(
        render_html(
            cert,
            lang="en",
            verification=Summary(valid=True, signer="CN=Lab <x>", errors=[]),
            validation={"valid": False, "errors": ["line 3: bad", "line 9: worse"]},
        )
    )
    ok, failed = page.xpath('//div[contains(@class, "status")]')
    assert ok.get("class") == "status ok" and failed.get("class") == "status failed"
    assert "Signature verification" in text_of(ok) and "CN=Lab <x>" in text_of(ok)
    assert "line 3: bad line 9: worse" in text_of(failed)
    untrusted = Summary(integrity=True, trust="unknown root", problems=[])
    page = lxml_html.document_fromstring(render_html(cert, verification=untrusted))
    (box,) = page.xpath('//div[contains(@class, "status")]')
    assert box.get("class") == "status info"
    problems = {"valid": False, "problems": [{"rule": "xsd", "line": 12, "message": "bad"}]}
    page = lxml_html.document_fromstring(render_html(cert, validation=problems))
    assert "problems xsd · 12 · bad" in text_of(page.xpath('//div[contains(@class, "status")]')[0])


def test_authoritative_note_is_visible(cert, page_en):
    notes = page_en.xpath('//p[contains(@class, "authoritative")]')
    assert notes and all(text_of(n) == AUTHORITATIVE_NOTE for n in notes)
    de = lxml_html.document_fromstring(render_html(cert, lang="de"))
    assert "Maßgeblich ist die XML-Datei" in text_of(
        de.xpath('//p[contains(@class, "authoritative")]')[0]
    )


def test_embedded_document(cert, page_en):
    assert embedded_document(cert) is None
    assert EMBEDDED_WARNING not in text_of(page_en)
    with_pdf = dataclasses.replace(
        cert,
        document=b"%PDF-1.4 fake",
        document_name="../../etc/report 1.pdf",
        document_type="application/pdf",
    )
    assert embedded_document(with_pdf) == ("report_1.pdf", b"%PDF-1.4 fake")
    nameless = dataclasses.replace(with_pdf, document_name=None)
    assert embedded_document(nameless) == ("document.pdf", b"%PDF-1.4 fake")
    page = lxml_html.document_fromstring(render_html(with_pdf, lang="en"))
    warnings = page.xpath('//p[contains(@class, "warning")]')
    assert warnings and text_of(warnings[0]) == EMBEDDED_WARNING
    assert "13 bytes" in text_of(page.xpath('//section[@class="document"]')[0])


def test_rendering_never_changes_the_certificate(cert):
    before = copy.deepcopy(cert)
    render_html(cert, lang="en", digest=DIGEST)
    render_pdf(cert, lang="de")
    assert cert == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        cert.schema_version = "0"  # type: ignore[misc]


# ------------------------------------------------------------------------------- PDF


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_pdf_has_the_same_content(cert):
    pdf = render_pdf(cert, lang="en", digest=DIGEST, compress=False)
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf) >= 1
    assert b"/BaseFont /AAAAAA+DejaVuSans" in pdf  # a font with ℃, ⁻¹, µ, Ω, embedded
    assert b"/Title (Calibration certificate GP_DCC_temperature_typical_1.2)" in pdf
    # ASCII text stays readable in the uncompressed page streams
    for text in (b"(0.072 ", b"GP_DCC_temperature_typical_1.2", b"Measurement error", b"k = 2"):
        assert text in pdf, text
    assert b"(DCC:GP_DCC_temperature" in pdf  # the QR payload, wrapped under the code


def test_pdf_is_reproducible_and_compressed_by_default(cert):
    first = render_pdf(cert, lang="de")
    assert first == render_pdf(cert, lang="de")
    assert len(first) < len(render_pdf(cert, lang="de", compress=False))
    assert render_pdf(cert, lang="en") != first


def test_pdf_shows_the_embedded_document_warning(cert):
    with_pdf = dataclasses.replace(cert, document=b"%PDF-1.4 fake", document_name="r.pdf")
    pdf = render_pdf(with_pdf, lang="en", compress=False)
    assert b"the embedded document is not verified against the XML" in pdf


# ----------------------------------------------------------------------------- files


def test_languages(cert):
    assert languages(cert) == ("de", "en")
    core = dataclasses.replace(cert.core_data, used_languages=("en",), mandatory_languages=("de",))
    assert languages(dataclasses.replace(cert, core_data=core)) == ("en", "de")


def test_render_all_writes_each_language_and_format(cert, tmp_path):
    core = dataclasses.replace(cert.core_data, unique_identifier="Lab/2024: No 7")
    paths = render_all(dataclasses.replace(cert, core_data=core), tmp_path / "out", digest=DIGEST)
    assert [p.name for p in paths] == [
        "Lab_2024_No_7.de.html",
        "Lab_2024_No_7.de.pdf",
        "Lab_2024_No_7.en.html",
        "Lab_2024_No_7.en.pdf",
    ]
    assert paths[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths[1].read_bytes().startswith(b"%PDF")
    only = render_all(cert, tmp_path, formats=("html",))
    assert [p.name for p in only] == [
        "GP_DCC_temperature_typical_1.2.de.html",
        "GP_DCC_temperature_typical_1.2.en.html",
    ]
    with pytest.raises(InputError, match="formats: must be 'html' or 'pdf', got 'docx'"):
        render_all(cert, tmp_path, formats=("docx",))


def test_dates_are_iso_and_a_range_when_the_calibration_took_days(cert):
    core = dataclasses.replace(cert.core_data, end_performance_date=date(1957, 8, 15))
    page = lxml_html.document_fromstring(
        render_html(dataclasses.replace(cert, core_data=core), lang="en")
    )
    assert "Date of calibration 1957-08-13 – 1957-08-15" in text_of(page)


# ------------------------------------------------------------------ PTB's examples


@pytest.fixture(scope="module")
def example_certificates(dcc_examples):
    """Every example certificate read from ../shared/dcc/examples, by file stem."""
    read = pytest.importorskip("sitrace.dcc.read")
    return {stem: read.read_certificate(path) for stem, path in dcc_examples.items()}


def test_every_example_renders_to_html_in_each_language(example_certificates):
    assert len(example_certificates) >= 10
    for stem, cert in example_certificates.items():
        langs = languages(cert)
        assert langs, stem
        for lang in langs:
            text = render_html(cert, lang=lang, digest=DIGEST)
            assert "<script" not in text.lower(), stem
            page = lxml_html.document_fromstring(text)
            assert page.get("lang") == lang
            sections = page.xpath('//section[@class="result"]')
            results = [r for mr in cert.measurement_results for r in mr.results]
            assert len(sections) == len(results), (stem, lang)
            for section, result in zip(sections, results, strict=True):
                tables = section.xpath('.//table[contains(@class, "quantities")]')
                assert bool(tables) == bool(result.data), (stem, lang)
                for table in tables:
                    columns = len(table.xpath(".//thead/tr/th"))
                    assert all(len(row) == columns for row in body_rows(table)), (stem, lang)
            assert page.xpath('//figure[@class="qr"]//*[local-name()="svg"]'), stem


def test_every_example_renders_to_pdf_in_each_language(example_certificates):
    for stem, cert in example_certificates.items():
        for lang in languages(cert):
            pdf = render_pdf(cert, lang=lang, compress=False)
            assert pdf.startswith(b"%PDF-"), (stem, lang)
            assert pdf_pages(pdf) >= 1, (stem, lang)
            identifier = cert.core_data.unique_identifier if cert.core_data else ""
            if identifier.isascii():  # other characters are glyph codes of the font subset
                assert identifier.encode() in pdf, (stem, lang)


def test_the_qox_example_shows_values_with_uncertainty_unit_and_k(example_certificates):
    cert = example_certificates["gp_temperature_typical_QoX_3.2.1"]
    assert languages(cert) == ("de", "en")
    for lang, name in (("en", "Measurement error"), ("de", "Messabweichung")):
        (table,) = result_tables(render_html(cert, lang=lang))
        headers = header_texts(table)
        column = next(i for i, h in enumerate(headers) if h.startswith(name))
        assert headers[column] == f"{name} in K ± U, k = 2, p = 95 %"
        assert [row[column] for row in body_rows(table)][:2] == ["0.072 ± 0.061", "0.089 ± 0.061"]
        assert any(h.endswith("in ℃") for h in headers)  # the si:hybrid's second unit
    page = lxml_html.document_fromstring(render_html(cert, lang="en"))
    assert page.xpath('//section[@class="result"]//figure[@class="plot"]')


def test_numbers_are_shown_with_the_digits_the_certificate_wrote(example_certificates):
    """0.500 and 50.0 state a precision that 0.5 and 50 do not (JCGM 100:2008, 7.2.6)."""
    page = render_html(example_certificates["gp_humidity_3.1.2"], lang="en")
    cells = [cell for table in result_tables(page) for row in body_rows(table) for cell in row]
    assert any(cell.startswith("0.500") for cell in cells)
    assert any(cell.startswith("50.0") for cell in cells)
