"""Certificates built by hand for the rendering tests (no XML reader needed)."""

from __future__ import annotations

from datetime import date

from sitrace.dcc.model import (
    Address,
    Certificate,
    Contact,
    CoreData,
    Identification,
    InfluenceCondition,
    Item,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    RespPerson,
    Result,
    SiHybrid,
    SiList,
    SiReal,
    Software,
    Statement,
    Text,
    Uncertainty,
    UsedMethod,
)


def temperature_certificate(**changes) -> Certificate:
    """A certificate shaped like PTB's good-practice temperature example (QoX, 3.2.1)."""
    reference = Quantity(
        name=Text.of(de="Bezugswert", en="Reference value"),
        value=SiHybrid(
            (
                SiList((306.248, 373.121, 448.253, 523.319, 593.154), (r"\kelvin",)),
                SiList((33.098, 99.971, 175.103, 250.169, 320.004), (r"\degreecelsius",)),
            )
        ),
        ref_type="basic_referenceValue",
    )
    indicated = Quantity(
        name=Text.of(de="Angezeigter Messwert", en="Indicated measured value probe"),
        value=SiHybrid(
            (
                SiList((306.32, 373.21, 448.36, 523.31, 593.07), (r"\kelvin",)),
                SiList((33.17, 100.06, 175.21, 250.16, 319.92), (r"\degreecelsius",)),
            )
        ),
    )
    error = Quantity(
        name=Text.of(de="Messabweichung", en="Measurement error"),
        value=SiList(
            (0.072, 0.089, 0.107, -0.009, -0.084),
            (r"\kelvin",),
            uncertainty=Uncertainty(
                "expandedUnc",
                (0.061,),
                coverage_factor=(2.0,),
                coverage_probability=(0.95,),
                distribution=("normal",),
            ),
        ),
    )
    fields = dict(
        schema_version="3.2.1",
        software=(Software(Text.of("Notepad++ (32-bit)"), "v 8.2"),),
        core_data=CoreData(
            country_code="DE",
            used_languages=("de", "en"),
            mandatory_languages=("de",),
            unique_identifier="GP_DCC_temperature_typical_1.2",
            begin_performance_date=date(1957, 8, 13),
            end_performance_date=date(1957, 8, 13),
            performance_location="laboratory",
            identifications=(
                Identification(
                    "calibrationLaboratory",
                    "string-calibrationLaboratory-coreData",
                    Text.of(de="Auftrags Nr.", en="Order no."),
                ),
            ),
        ),
        items=(
            Item(
                Text.of(de="Temperatur-Fühler", en="Temperature sensor"),
                identifications=(
                    Identification(
                        "manufacturer",
                        "string-manufacturer-item",
                        Text.of(de="Serien Nr.", en="Serial no."),
                    ),
                ),
                manufacturer=Contact(Text.of("String")),
                model="String",
            ),
        ),
        calibration_laboratory=Contact(
            Text.of("Kalibrierfirma GmbH"),
            email="info@kalibrierfirma.xx",
            phone="+49 123 4567-89",
            location=Address(
                city="Musterstadt",
                country_code="DE",
                post_code="00900",
                street="Musterstraße",
                street_no="1",
            ),
        ),
        resp_persons=(
            RespPerson(Contact(Text.of("Michaela Musterfrau")), main_signer=True),
            RespPerson(Contact(Text.of("Michael Mustermann"))),
        ),
        customer=Contact(
            Text.of("Kunde GmbH"),
            email="info@kunde.xx",
            location=Address(
                city="Musterstadt",
                further=Text.of(de="Kunden Nr. 1024418", en="Customer ID no. 1024418"),
            ),
        ),
        statements=(
            Statement(
                declaration=Text.of(de="Die Konformitätsaussage ...", en="The conformity ..."),
                conformity="pass",
                ref_type="basic_conformity",
            ),
            Statement(
                declaration=Text.of(de="Rekalibrierung ...", en="Recalibration ..."),
                date=date(1959, 10, 22),
                ref_type="basic_recalibration",
            ),
        ),
        measurement_results=(
            MeasurementResult(
                Text.of(de="Messergebnisse", en="Measurement results"),
                results=(
                    Result(
                        Text.of(de="Messergebnisse", en="Measuring results"),
                        (reference, indicated, error),
                    ),
                ),
                used_methods=(
                    UsedMethod(
                        Text.of(de="Erweiterte Messunsicherheit", en="Expanded uncertainty"),
                        norms=("GUM",),
                    ),
                ),
                measuring_equipments=(
                    MeasuringEquipment(
                        Text.of(de="Pt 100 Widerstandsthermometer", en="Pt 100 thermometer"),
                        identifications=(Identification("manufacturer", "string-me-1"),),
                    ),
                ),
                influence_conditions=(
                    InfluenceCondition(
                        Text.of(de="Eintauchtiefe im Wasserbad", en="Immersion depth"),
                        data=(
                            Quantity(
                                name=Text.of(de="Eintauchtiefe", en="Immersion depth"),
                                value=SiReal(0.1, r"\metre"),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )
    fields.update(changes)
    return Certificate(**fields)
