"""Labels of the status of contributions and the honour roll."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    "status.title": (
        "Status of contributions {year}",
        "État des contributions {year}",
        "Estado de las contribuciones {year}",
    ),
    "status.subtitle": (
        "Assessed contributions to the Arms Trade Treaty budgets, in US dollars",
        "Contributions mises en recouvrement pour les budgets du Traité sur le commerce des "
        "armes, en dollars des États-Unis",
        "Cuotas prorrateadas para los presupuestos del Tratado sobre el Comercio de Armas, "
        "en dólares de los Estados Unidos",
    ),
    "status.table.funds": ("By fund", "Par fonds", "Por fondo"),
    "status.table.contributions": (
        "By State and fund",
        "Par État et par fonds",
        "Por Estado y fondo",
    ),
    "status.table.states": (
        "By State (all funds)",
        "Par État (tous fonds confondus)",
        "Por Estado (todos los fondos)",
    ),
    "status.table.by_status": (
        "States by payment of the year's assessment",
        "États selon le paiement de la contribution de l'année",
        "Estados según el pago de la cuota del año",
    ),
    "status.chart.funds": (
        "Assessed and collected for the year, by fund (US dollars)",
        "Montants mis en recouvrement et recouvrés pour l'année, par fonds (dollars É.-U.)",
        "Cuotas prorrateadas y recaudadas del año, por fondo (dólares EE. UU.)",
    ),
    "status.chart.by_status": (
        "The year's assessment by payment status (US dollars)",
        "Contribution de l'année selon l'état du paiement (dollars É.-U.)",
        "Cuota del año según el estado del pago (dólares EE. UU.)",
    ),
    "status.col.status": ("Year's assessment", "Contribution de l'année", "Cuota del año"),
    "status.col.prior": (
        "Outstanding from earlier years at 1 January",
        "Arriérés des années antérieures au 1er janvier",
        "Pendiente de años anteriores al 1 de enero",
    ),
    "status.col.assessed": ("Assessed for the year", "Mis en recouvrement", "Prorrateado"),
    "status.col.received": ("Received", "Reçu", "Recibido"),
    "status.col.credits": ("Paid from credits", "Réglé par crédits", "Pagado con créditos"),
    "status.col.adjustments": ("Adjustments", "Ajustements", "Ajustes"),
    "status.col.outstanding": ("Outstanding", "Montant dû", "Pendiente"),
    "status.col.year_outstanding": (
        "Outstanding for the year",
        "Dû pour l'année",
        "Pendiente del año",
    ),
    "status.col.advances": (
        "Credits and advances held",
        "Crédits et avances détenus",
        "Créditos y anticipos",
    ),
    "status.col.collected": (
        "Collected for the year",
        "Recouvré pour l'année",
        "Recaudado del año",
    ),
    "status.col.collection_rate": ("Collection rate", "Taux de recouvrement", "Tasa de cobro"),
    "status.col.states": ("States", "États", "Estados"),
    "status.paid": ("Paid in full", "Payée intégralement", "Pagada íntegramente"),
    "status.partial": ("Paid in part", "Payée en partie", "Pagada en parte"),
    "status.unpaid": ("Not paid", "Non payée", "No pagada"),
    "status.none": ("Not assessed", "Non mise en recouvrement", "No prorrateada"),
    "status.fact.assessed": (
        "Assessed for the year",
        "Mis en recouvrement pour l'année",
        "Prorrateado para el año",
    ),
    "status.fact.collected": (
        "Collected for the year",
        "Recouvré pour l'année",
        "Recaudado del año",
    ),
    "status.fact.collection_rate": (
        "Collection rate for the year",
        "Taux de recouvrement de l'année",
        "Tasa de cobro del año",
    ),
    "status.fact.prior": (
        "Outstanding from earlier years at 1 January",
        "Arriérés des années antérieures au 1er janvier",
        "Pendiente de años anteriores al 1 de enero",
    ),
    "status.fact.outstanding": (
        "Outstanding in all",
        "Total dû",
        "Total pendiente",
    ),
    "status.fact.paid": (
        "States that paid in full",
        "États ayant payé intégralement",
        "Estados que pagaron íntegramente",
    ),
    "status.fact.partial": (
        "States that paid in part",
        "États ayant payé en partie",
        "Estados que pagaron en parte",
    ),
    "status.fact.unpaid": (
        "States that paid nothing",
        "États n'ayant rien payé",
        "Estados que no pagaron nada",
    ),
    "status.note.signs": (
        "Outstanding = outstanding from earlier years + assessed − received − paid from "
        "credits + adjustments. A negative outstanding amount was paid ahead.",
        "Montant dû = arriérés des années antérieures + mis en recouvrement − reçu − réglé "
        "par crédits + ajustements. Un montant dû négatif a été payé d'avance.",
        "Pendiente = pendiente de años anteriores + prorrateado − recibido − pagado con "
        "créditos + ajustes. Un importe pendiente negativo se pagó por adelantado.",
    ),
    "honour.title": ("Honour roll {year}", "Tableau d'honneur {year}", "Cuadro de honor {year}"),
    "honour.subtitle": (
        "States that paid their {year} assessed contributions in full",
        "États ayant versé intégralement leurs contributions de {year}",
        "Estados que pagaron íntegramente sus cuotas de {year}",
    ),
    "honour.table.paid_in_full": (
        "Paid in full",
        "Contributions versées intégralement",
        "Cuotas pagadas íntegramente",
    ),
    "honour.table.on_time": (
        "Paid in full within the due period",
        "Versées intégralement dans le délai de paiement",
        "Pagadas íntegramente dentro del plazo",
    ),
    "honour.col.paid_on": ("Paid in full on", "Versée intégralement le", "Pagada íntegramente el"),
    "honour.col.due_on": ("Due on", "Échéance", "Vencimiento"),
    "honour.col.on_time": ("Within the due period", "Dans le délai", "Dentro del plazo"),
    "honour.col.assessed": ("Assessed for the year", "Mis en recouvrement", "Prorrateado"),
    "honour.fact.paid_in_full": (
        "States that paid in full",
        "États ayant versé intégralement",
        "Estados que pagaron íntegramente",
    ),
    "honour.fact.on_time": (
        "Of which within the due period",
        "Dont dans le délai de paiement",
        "De ellos, dentro del plazo",
    ),
}
