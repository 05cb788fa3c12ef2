"""Labels in English, French and Spanish, and locale formatting (html, pdf, xlsx only:
csv and json stay locale-free)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

from reports.labels import ALL  # the labels of the reports (reports/labels/)


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
    "reminder.title": {
        Language.EN: "Reminder: assessed contributions outstanding",
        Language.FR: "Rappel : contributions mises en recouvrement non acquittées",
        Language.ES: "Recordatorio: cuotas prorrateadas pendientes de pago",
    },
    "reminder.date": {Language.EN: "Date", Language.FR: "Date", Language.ES: "Fecha"},
    "reminder.place_date": {
        Language.EN: "Geneva, {day}",
        Language.FR: "Genève, le {day}",
        Language.ES: "Ginebra, {day}",
    },
    "reminder.to": {
        Language.EN: "To the Permanent Mission of {state}",
        Language.FR: "À la Mission permanente de {state}",
        Language.ES: "A la Misión Permanente de {state}",
    },
    "reminder.opening": {
        Language.EN: "The Secretariat of the Arms Trade Treaty presents its compliments to the "
        "Permanent Mission of {state} and has the honour to recall that, as at {day}, the "
        "contributions of {state} set out below, assessed under the Financial Rules of the "
        "Conference of States Parties, remain outstanding.",
        Language.FR: "Le Secrétariat du Traité sur le commerce des armes présente ses compliments "
        "à la Mission permanente de {state} et a l'honneur de rappeler qu'à la date du {day}, "
        "les contributions de {state} mises en recouvrement en application des règles de "
        "gestion financière de la Conférence des États parties et indiquées ci-après demeurent "
        "non acquittées.",
        Language.ES: "La Secretaría del Tratado sobre el Comercio de Armas saluda atentamente a la "
        "Misión Permanente de {state} y tiene el honor de recordarle que, al {day}, las cuotas "
        "de {state} prorrateadas con arreglo a la Reglamentación Financiera de la Conferencia de "
        "los Estados Partes que se indican a continuación siguen pendientes de pago.",
    },
    "reminder.statement": {
        Language.EN: "Statement of contributions outstanding as at {day}",
        Language.FR: "État des contributions non acquittées au {day}",
        Language.ES: "Estado de las cuotas pendientes de pago al {day}",
    },
    "reminder.col.year": {Language.EN: "Year", Language.FR: "Exercice", Language.ES: "Ejercicio"},
    "reminder.col.due": {
        Language.EN: "Due date",
        Language.FR: "Échéance",
        Language.ES: "Vencimiento",
    },
    "reminder.col.assessed": {
        Language.EN: "Assessed",
        Language.FR: "Mis en recouvrement",
        Language.ES: "Prorrateado",
    },
    "reminder.col.paid": {Language.EN: "Paid", Language.FR: "Versé", Language.ES: "Pagado"},
    "reminder.col.credited": {
        Language.EN: "Credits applied",
        Language.FR: "Crédits imputés",
        Language.ES: "Créditos aplicados",
    },
    "reminder.col.written_off": {
        Language.EN: "Written off",
        Language.FR: "Passé en pertes",
        Language.ES: "Pasado a pérdidas",
    },
    "reminder.col.adjusted": {
        Language.EN: "Adjustments",
        Language.FR: "Ajustements",
        Language.ES: "Ajustes",
    },
    "reminder.col.outstanding": {
        Language.EN: "Outstanding",
        Language.FR: "Non acquitté",
        Language.ES: "Pendiente",
    },
    "reminder.col.bucket": {
        Language.EN: "Age",
        Language.FR: "Ancienneté",
        Language.ES: "Antigüedad",
    },
    "reminder.col.days": {
        Language.EN: "Days overdue",
        Language.FR: "Jours de retard",
        Language.ES: "Días de atraso",
    },
    "reminder.total": {
        Language.EN: "Total outstanding and due",
        Language.FR: "Total exigible non acquitté",
        Language.ES: "Total exigible pendiente de pago",
    },
    "reminder.of_which_arrears": {
        Language.EN: "of which arrears (contributions assessed for previous years)",
        Language.FR: "dont arriérés (contributions mises en recouvrement pour des exercices "
        "antérieurs)",
        Language.ES: "de lo cual, atrasos (cuotas prorrateadas para ejercicios anteriores)",
    },
    "reminder.rule8.heading": {
        Language.EN: "Financial Rule 8",
        Language.FR: "Règle de gestion financière 8",
        Language.ES: "Regla 8 de la Reglamentación Financiera",
    },
    "reminder.rule8.subject": {
        Language.EN: "The arrears of {state}, {arrears}, equal or exceed the contributions "
        "assessed for {years}, {threshold}. Under Financial Rule 8, the following measures "
        "therefore apply to {state}:",
        Language.FR: "Les arriérés de {state}, d'un montant de {arrears}, sont égaux ou "
        "supérieurs aux contributions mises en recouvrement pour {years}, soit {threshold}. En "
        "application de la règle de gestion financière 8, les mesures suivantes s'appliquent "
        "donc à {state} :",
        Language.ES: "Los atrasos de {state}, que ascienden a {arrears}, son iguales o superiores "
        "a las cuotas prorrateadas para {years}, que ascienden a {threshold}. Con arreglo a la "
        "regla 8 de la Reglamentación Financiera, se aplican por lo tanto a {state} las medidas "
        "siguientes:",
    },
    "reminder.rule8.lapsed": {
        Language.EN: "The payment plan approved for {state} under Financial Rule 8(1)(d) "
        "(no. {plan}) lapsed on {day} and no longer exempts it from these measures.",
        Language.FR: "Le plan de paiement approuvé pour {state} en application de l'alinéa d) "
        "du paragraphe 1 de la règle de gestion financière 8 (n° {plan}) est devenu caduc le "
        "{day} et ne l'exempte plus de ces mesures.",
        Language.ES: "El plan de pagos aprobado para {state} con arreglo al apartado d) del "
        "párrafo 1 de la regla 8 de la Reglamentación Financiera (n.º {plan}) caducó el {day} "
        "y ya no lo exime de dichas medidas.",
    },
    "reminder.rule8.plan_not_exempting": {
        Language.EN: "The payment plan of {state} (no. {plan}) does not exempt it from these "
        "measures on this date.",
        Language.FR: "Le plan de paiement de {state} (n° {plan}) ne l'exempte pas de ces "
        "mesures à cette date.",
        Language.ES: "El plan de pagos de {state} (n.º {plan}) no lo exime de dichas medidas en "
        "esta fecha.",
    },
    "reminder.rule8.exempt": {
        Language.EN: "The arrears of {state}, {arrears}, equal or exceed the contributions "
        "assessed for {years}, {threshold}. However, {state} has a payment plan approved under "
        "Financial Rule 8(1)(d) (no. {plan}): as long as it keeps to that plan, the measures of "
        "Financial Rule 8 do not apply to it.",
        Language.FR: "Les arriérés de {state}, d'un montant de {arrears}, sont égaux ou "
        "supérieurs aux contributions mises en recouvrement pour {years}, soit {threshold}. "
        "Toutefois, {state} bénéficie d'un plan de paiement approuvé en application de l'alinéa "
        "d) du paragraphe 1 de la règle de gestion financière 8 (n° {plan}) : aussi longtemps "
        "qu'il respecte ce plan, les mesures prévues par la règle de gestion financière 8 ne lui "
        "sont pas applicables.",
        Language.ES: "Los atrasos de {state}, que ascienden a {arrears}, son iguales o superiores "
        "a las cuotas prorrateadas para {years}, que ascienden a {threshold}. No obstante, "
        "{state} cuenta con un plan de pagos aprobado con arreglo al apartado d) del párrafo 1 "
        "de la regla 8 de la Reglamentación Financiera (n.º {plan}): mientras lo cumpla, no se "
        "le aplicarán las medidas previstas en la regla 8 de la Reglamentación Financiera.",
    },
    "reminder.rule8.behind": {
        Language.EN: "Payments under the plan are currently behind schedule; the plan lapses "
        "if the shortfall is not made good within the period of grace.",
        Language.FR: "Les versements prévus par le plan accusent actuellement un retard ; le "
        "plan devient caduc si le montant manquant n'est pas versé dans le délai de grâce.",
        Language.ES: "Los pagos previstos en el plan presentan actualmente un retraso; el plan "
        "caducará si el déficit no se subsana dentro del plazo de gracia.",
    },
    "reminder.rule8.below": {
        Language.EN: "The arrears of {state}, {arrears}, are below the contributions assessed "
        "for {years}, {threshold}, the level from which the measures of Financial Rule 8 apply; "
        "they are {gap} short of it. The measures therefore do not apply to {state} on this "
        "date.",
        Language.FR: "Les arriérés de {state}, d'un montant de {arrears}, sont inférieurs aux "
        "contributions mises en recouvrement pour {years}, soit {threshold}, seuil à partir "
        "duquel s'appliquent les mesures prévues par la règle de gestion financière 8 ; l'écart "
        "est de {gap}. Ces mesures ne s'appliquent donc pas à {state} à cette date.",
        Language.ES: "Los atrasos de {state}, que ascienden a {arrears}, son inferiores a las "
        "cuotas prorrateadas para {years}, que ascienden a {threshold}, umbral a partir del "
        "cual se aplican las medidas previstas en la regla 8 de la Reglamentación Financiera; "
        "la diferencia es de {gap}. Por lo tanto, dichas medidas no se aplican a {state} en "
        "esta fecha.",
    },
    "reminder.rule8.below_minimum": {
        Language.EN: "The arrears of {state}, {arrears}, do not exceed {minimum}, the minimum "
        "above which the measures of Financial Rule 8 apply. The measures therefore do not "
        "apply to {state} on this date.",
        Language.FR: "Les arriérés de {state}, d'un montant de {arrears}, ne dépassent pas "
        "{minimum}, montant minimal au-delà duquel s'appliquent les mesures prévues par la "
        "règle de gestion financière 8. Ces mesures ne s'appliquent donc pas à {state} à cette "
        "date.",
        Language.ES: "Los atrasos de {state}, que ascienden a {arrears}, no superan {minimum}, "
        "monto mínimo por encima del cual se aplican las medidas previstas en la regla 8 de la "
        "Reglamentación Financiera. Por lo tanto, dichas medidas no se aplican a {state} en "
        "esta fecha.",
    },
    "reminder.rule8.no_arrears": {
        Language.EN: "{state} has no arrears of contributions assessed for previous years; the "
        "measures of Financial Rule 8 do not apply to it.",
        Language.FR: "{state} n'a pas d'arriérés de contributions mises en recouvrement pour "
        "des exercices antérieurs ; les mesures prévues par la règle de gestion financière 8 ne "
        "lui sont pas applicables.",
        Language.ES: "{state} no tiene atrasos en el pago de cuotas prorrateadas para "
        "ejercicios anteriores; no se le aplican las medidas previstas en la regla 8 de la "
        "Reglamentación Financiera.",
    },
    "reminder.plan.heading": {
        Language.EN: "Payment plans under Financial Rule 8(1)(d)",
        Language.FR: "Plans de paiement (alinéa d) du paragraphe 1 de la règle de gestion "
        "financière 8)",
        Language.ES: "Planes de pagos (apartado d) del párrafo 1 de la regla 8 de la "
        "Reglamentación Financiera)",
    },
    "reminder.plan.general": {
        Language.EN: "Under Financial Rule 8(1)(d), a State Party in arrears may apply to the "
        "Secretariat, by note verbale, for a payment plan to settle its arrears over at most "
        "{years} years. An application counts for a session of the Conference of States "
        "Parties only if it is received at least {days} days before that session opens; the "
        "plan is subject to the approval of the Management Committee.",
        Language.FR: "En application de l'alinéa d) du paragraphe 1 de la règle de gestion "
        "financière 8, un État partie ayant des arriérés peut demander au Secrétariat, par note "
        "verbale, un plan de paiement lui permettant de régler ses arriérés en {years} ans au "
        "plus. Une demande ne vaut pour une session de la Conférence des États parties que si "
        "elle parvient au Secrétariat au moins {days} jours avant l'ouverture de cette "
        "session ; le plan est soumis à l'approbation du Comité de gestion.",
        Language.ES: "Con arreglo al apartado d) del párrafo 1 de la regla 8 de la "
        "Reglamentación Financiera, un Estado parte con atrasos puede solicitar a la "
        "Secretaría, mediante nota verbal, un plan de pagos para saldar sus atrasos en un plazo "
        "máximo de {years} años. Una solicitud solo se tiene en cuenta para un período de "
        "sesiones de la Conferencia de los Estados Partes si se recibe al menos {days} días "
        "antes de su apertura; el plan está sujeto a la aprobación del Comité de Gestión.",
    },
    "reminder.csp": {
        Language.EN: "The Conference of States Parties (CSP{number})",
        Language.FR: "La Conférence des États parties (CEP{number})",
        Language.ES: "La Conferencia de los Estados Partes (CEEP{number})",
    },
    "reminder.plan.deadline": {
        Language.EN: "{csp} opens on {opens}: an application must be received by {deadline} "
        "to count for it.",
        Language.FR: "{csp} s'ouvrira le {opens} : une demande doit parvenir au Secrétariat au "
        "plus tard le {deadline} pour être prise en compte à cette session.",
        Language.ES: "{csp} se inaugurará el {opens}: para que se tenga en cuenta en ese "
        "período de sesiones, la solicitud deberá recibirse a más tardar el {deadline}.",
    },
    "reminder.plan.deadline_passed": {
        Language.EN: "{csp} opens on {opens}; the deadline of {deadline} for an application to "
        "count for it has passed, and an application received now would count from the "
        "following session.",
        Language.FR: "{csp} s'ouvrira le {opens} ; le délai du {deadline} pour qu'une demande "
        "soit prise en compte à cette session étant échu, une demande reçue désormais ne vaudra "
        "qu'à compter de la session suivante.",
        Language.ES: "{csp} se inaugurará el {opens}; dado que el plazo del {deadline} para que "
        "una solicitud se tenga en cuenta en ese período de sesiones ya ha vencido, una "
        "solicitud recibida ahora solo se tendrá en cuenta a partir del período de sesiones "
        "siguiente.",
    },
    "reminder.payment.heading": {
        Language.EN: "Payment",
        Language.FR: "Paiement",
        Language.ES: "Pago",
    },
    "reminder.payment": {
        Language.EN: "The Permanent Mission is kindly requested to arrange payment at its "
        "earliest convenience, by bank transfer in US dollars to the account of the ATT "
        "Secretariat, quoting the reference {reference}. Payments are applied to the oldest "
        "amounts due first. Should payment have been made in the meantime, the Secretariat "
        "thanks the Permanent Mission and asks it to disregard this reminder.",
        Language.FR: "La Mission permanente est priée de bien vouloir effectuer le paiement dans "
        "les meilleurs délais, par virement bancaire en dollars des États-Unis sur le compte du "
        "Secrétariat du TCA, en indiquant la référence {reference}. Les paiements sont imputés "
        "d'abord sur les montants dus les plus anciens. Si le paiement a été effectué "
        "entre-temps, le Secrétariat en remercie la Mission permanente et la prie de ne pas "
        "tenir compte du présent rappel.",
        Language.ES: "Se ruega a la Misión Permanente que efectúe el pago a la mayor brevedad "
        "posible, mediante transferencia bancaria en dólares de los Estados Unidos a la cuenta "
        "de la Secretaría del TCA, indicando la referencia {reference}. Los pagos se aplican "
        "primero a las sumas adeudadas más antiguas. Si el pago ya se hubiera efectuado, la "
        "Secretaría agradece a la Misión Permanente y le ruega que no tenga en cuenta el "
        "presente recordatorio.",
    },
    "reminder.closing": {
        Language.EN: "The Secretariat of the Arms Trade Treaty avails itself of this opportunity "
        "to renew to the Permanent Mission of {state} the assurances of its highest "
        "consideration.",
        Language.FR: "Le Secrétariat du Traité sur le commerce des armes saisit cette occasion "
        "pour renouveler à la Mission permanente de {state} les assurances de sa très haute "
        "considération.",
        Language.ES: "La Secretaría del Tratado sobre el Comercio de Armas aprovecha la "
        "oportunidad para reiterar a la Misión Permanente de {state} las seguridades de su más "
        "alta consideración.",
    },
    "measure.no_vote": {
        Language.EN: "Suspension of the right to vote at the Conference of States Parties",
        Language.FR: "Suspension du droit de vote à la Conférence des États parties",
        Language.ES: "Suspensión del derecho de voto en la Conferencia de los Estados Partes",
    },
    "measure.no_bureau": {
        Language.EN: "Ineligibility for election to the Bureau of the Conference of States Parties",
        Language.FR: "Inéligibilité au Bureau de la Conférence des États parties",
        Language.ES: "Inelegibilidad para la Mesa de la Conferencia de los Estados Partes",
    },
    "measure.no_management_committee": {
        Language.EN: "Ineligibility for membership of the Management Committee",
        Language.FR: "Inéligibilité au Comité de gestion",
        Language.ES: "Inelegibilidad para el Comité de Gestión",
    },
    "measure.no_vtf_selection_committee": {
        Language.EN: "Ineligibility for membership of the Voluntary Trust Fund Selection Committee",
        Language.FR: "Inéligibilité au Comité de sélection du Fonds d'affectation spéciale de "
        "contributions volontaires",
        Language.ES: "Inelegibilidad para el Comité de Selección del Fondo Fiduciario de "
        "Contribuciones Voluntarias",
    },
    "measure.no_sponsorship": {
        Language.EN: "Ineligibility for support under the ATT Sponsorship Programme",
        Language.FR: "Inéligibilité au Programme de parrainage du TCA",
        Language.ES: "Inelegibilidad para el Programa de Patrocinio del TCA",
    },
    "bucket.not_due": {
        Language.EN: "Not yet due",
        Language.FR: "Non encore exigible",
        Language.ES: "Aún no exigible",
    },
    "bucket.current": {
        Language.EN: "Current year",
        Language.FR: "Exercice en cours",
        Language.ES: "Ejercicio en curso",
    },
    "bucket.1_year": {
        Language.EN: "One year",
        Language.FR: "Un an",
        Language.ES: "Un año",
    },
    "bucket.2_years": {
        Language.EN: "Two years",
        Language.FR: "Deux ans",
        Language.ES: "Dos años",
    },
    "bucket.3_years_plus": {
        Language.EN: "Three years or more",
        Language.FR: "Trois ans ou plus",
        Language.ES: "Tres años o más",
    },
}


_ORDER = {Language.EN: 0, Language.FR: 1, Language.ES: 2}


def label(key: str, language: Language, default: str | None = None) -> str:
    """The label ``key`` in ``language`` (``default`` when there is none)."""
    if key in LABELS:
        return LABELS[key][language]
    if key in ALL:
        return ALL[key][_ORDER[language]]
    if default is not None:
        return default
    raise KeyError(f"no label {key}")


def words(items: list[str], language: Language) -> str:
    """Items joined as a sentence does: ["2024", "2025"] → "2024 and 2025" / "2024 et 2025"."""
    return format_list(items, locale=language.value)


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
