"""Labels in English, French and Spanish, and locale formatting (html, pdf, xlsx only:
csv and json stay locale-free)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    ES = "es"


LABELS: dict[str, dict[Language, str]] = {
    "notice_title": {
        Language.EN: "Notice of assessed contribution",
        Language.FR: "Avis de contribution mise en recouvrement",
        Language.ES: "Aviso de cuota prorrateada",
    },
    "treaty": {
        Language.EN: "Arms Trade Treaty",
        Language.FR: "Traité sur le commerce des armes",
        Language.ES: "Tratado sobre el Comercio de Armas",
    },
    "secretariat": {
        Language.EN: "ATT Secretariat, Geneva",
        Language.FR: "Secrétariat du TCA, Genève",
        Language.ES: "Secretaría del TCA, Ginebra",
    },
    "reference": {Language.EN: "Reference", Language.FR: "Référence", Language.ES: "Referencia"},
    "state": {Language.EN: "State", Language.FR: "État", Language.ES: "Estado"},
    "notice_date": {
        Language.EN: "Date of notice",
        Language.FR: "Date de l'avis",
        Language.ES: "Fecha del aviso",
    },
    "fund": {Language.EN: "Fund", Language.FR: "Fonds", Language.ES: "Fondo"},
    "year": {
        Language.EN: "Financial year",
        Language.FR: "Exercice",
        Language.ES: "Ejercicio económico",
    },
    "decision": {
        Language.EN: "Budget adopted by decision",
        Language.FR: "Budget adopté par la décision",
        Language.ES: "Presupuesto aprobado por la decisión",
    },
    "to_assess": {
        Language.EN: "Amount to be assessed on States",
        Language.FR: "Montant à répartir entre les États",
        Language.ES: "Monto que se prorratea entre los Estados",
    },
    "scale": {
        Language.EN: "Scale of assessments",
        Language.FR: "Barème des quotes-parts",
        Language.ES: "Escala de cuotas",
    },
    "un_rate": {Language.EN: "UN rate", Language.FR: "Taux ONU", Language.ES: "Tasa ONU"},
    "rate": {
        Language.EN: "Adjusted rate",
        Language.FR: "Taux ajusté",
        Language.ES: "Tasa ajustada",
    },
    "pro_rata": {
        Language.EN: "Share of the year assessed",
        Language.FR: "Part de l'exercice mise en recouvrement",
        Language.ES: "Parte del ejercicio prorrateada",
    },
    "assessed_year": {
        Language.EN: "Contribution assessed for the year",
        Language.FR: "Contribution mise en recouvrement pour l'exercice",
        Language.ES: "Cuota prorrateada para el ejercicio",
    },
    "this_notice": {
        Language.EN: "Amount of this notice",
        Language.FR: "Montant du présent avis",
        Language.ES: "Monto del presente aviso",
    },
    "due": {Language.EN: "Due date", Language.FR: "Date d'échéance", Language.ES: "Vencimiento"},
    "kind.initial": {
        Language.EN: "Assessment",
        Language.FR: "Mise en recouvrement",
        Language.ES: "Prorrateo",
    },
    "kind.revision": {
        Language.EN: "Adjustment after a budget revision",
        Language.FR: "Ajustement après révision du budget",
        Language.ES: "Ajuste tras la revisión del presupuesto",
    },
    "kind.supplementary": {
        Language.EN: "Supplementary assessment (new State Party)",
        Language.FR: "Mise en recouvrement complémentaire (nouvel État partie)",
        Language.ES: "Prorrateo complementario (nuevo Estado parte)",
    },
    "kind.csp_reassessment": {
        Language.EN: "Re-assessment on the States registered for the Conference",
        Language.FR: "Nouvelle répartition entre les États inscrits à la Conférence",
        Language.ES: "Nuevo prorrateo entre los Estados inscritos en la Conferencia",
    },
    "limit.ldc_cap": {
        Language.EN: "capped (least developed country)",
        Language.FR: "plafonné (pays le moins avancé)",
        Language.ES: "con tope (país menos adelantado)",
    },
    "limit.ceiling": {
        Language.EN: "capped (ceiling)",
        Language.FR: "plafonné (taux maximal)",
        Language.ES: "con tope (tasa máxima)",
    },
    "limit.floor": {
        Language.EN: "raised to the floor",
        Language.FR: "relevé au taux minimal",
        Language.ES: "elevado a la tasa mínima",
    },
    "limit.fixed_share": {
        Language.EN: "fixed share",
        Language.FR: "quote-part fixe",
        Language.ES: "cuota fija",
    },
    "payment": {
        Language.EN: "Please pay by bank transfer in US dollars by the due date, quoting the "
        "reference above. Payments are applied to the oldest amounts due first.",
        Language.FR: "Veuillez payer par virement bancaire en dollars des États-Unis avant la "
        "date d'échéance, en indiquant la référence ci-dessus. Les paiements sont imputés "
        "d'abord sur les montants dus les plus anciens.",
        Language.ES: "Sírvase pagar por transferencia bancaria en dólares de los Estados Unidos "
        "antes del vencimiento, indicando la referencia anterior. Los pagos se aplican "
        "primero a las sumas adeudadas más antiguas.",
    },
    "fund.SEC": {
        Language.EN: "Secretariat (general) fund",
        Language.FR: "Fonds du Secrétariat (fonds général)",
        Language.ES: "Fondo de la Secretaría (fondo general)",
    },
    "fund.CSP": {
        Language.EN: "Conference of States Parties fund",
        Language.FR: "Fonds de la Conférence des États parties",
        Language.ES: "Fondo de la Conferencia de los Estados Partes",
    },
    "illustrative": {
        Language.EN: "Illustrative data",
        Language.FR: "Données d'illustration",
        Language.ES: "Datos ilustrativos",
    },
}


def label(key: str, language: Language, default: str | None = None) -> str:
    """The label ``key`` in ``language`` (``default`` when there is none)."""
    if key not in LABELS and default is not None:
        return default
    return LABELS[key][language]


def money(amount_minor: int, language: Language, currency: str = "USD") -> str:
    """``123456`` cents → "$1,234.56" / "1 234,56 $US" / "1.234,56 US$"."""
    return format_currency(Decimal(amount_minor) / 100, currency, locale=language.value)


def percent(value: Decimal, language: Language, places: int = 6) -> str:
    """A rate in percent with ``places`` decimals, e.g. "0,012346 %" in French."""
    pattern = "#,##0." + "0" * places
    return f"{format_decimal(value, format=pattern, locale=language.value)} %"


def day(value: date, language: Language) -> str:
    """A date written out, e.g. "10 janvier 2018"."""
    return format_date(value, format="long", locale=language.value)
