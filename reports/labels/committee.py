"""Labels of the Management Committee pack (``reports/committee_pack.py``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    "pack.title": (
        "Management Committee pack, {as_at}",
        "Dossier du Comité de gestion, {as_at}",
        "Documentación del Comité de Gestión, {as_at}",
    ),
    "pack.subtitle": (
        "Confidential: for the members of the Management Committee. Amounts in US dollars",
        "Confidentiel : à l'intention des membres du Comité de gestion. Montants en dollars "
        "des États-Unis",
        "Confidencial: para los miembros del Comité de Gestión. Montos en dólares de los "
        "Estados Unidos",
    ),
    # --- headline figures
    "pack.fact.arrears": (
        "Arrears (years before the current year)",
        "Arriérés (exercices antérieurs à l'exercice en cours)",
        "Atrasos (ejercicios anteriores al ejercicio en curso)",
    ),
    "pack.fact.outstanding": (
        "Total outstanding, every year",
        "Total non acquitté, tous exercices",
        "Total pendiente de pago, todos los ejercicios",
    ),
    "pack.fact.states_in_arrears": (
        "States in arrears",
        "États en retard de paiement",
        "Estados con atrasos",
    ),
    "pack.fact.subject": (
        "States subject to the measures of Financial Rule 8",
        "États soumis aux mesures de l'article 8 des règles de gestion financière",
        "Estados sujetos a las medidas del artículo 8 de la Reglamentación Financiera",
    ),
    "pack.fact.exempt": (
        "States exempt under a payment plan",
        "États exemptés au titre d'un plan de paiement",
        "Estados exentos en virtud de un plan de pagos",
    ),
    "pack.fact.months_covered": (
        "Months of planned spending the balance covers",
        "Mois de dépenses prévues couverts par le solde",
        "Meses de gastos previstos que cubre el saldo",
    ),
    "pack.fact.lowest_cash": (
        "Lowest projected cash in the next 12 months (before drawing on the reserve)",
        "Trésorerie prévue la plus basse sur 12 mois (avant prélèvement sur la réserve)",
        "Efectivo previsto más bajo en los próximos 12 meses (antes de recurrir a la reserva)",
    ),
    "pack.fact.lowest_month": (
        "Month of the lowest projected cash",
        "Mois de la trésorerie prévue la plus basse",
        "Mes del efectivo previsto más bajo",
    ),
    "pack.fact.reserve_drawn": (
        "Reserve drawn in the next 12 months",
        "Prélèvements sur la réserve prévus sur 12 mois",
        "Uso previsto de la reserva en los próximos 12 meses",
    ),
    # --- tables
    "pack.table.arrears": (
        "Amounts outstanding by State, fund and year",
        "Montants non acquittés par État, fonds et exercice",
        "Montos pendientes por Estado, fondo y ejercicio",
    ),
    "pack.table.aging": (
        "Aging of amounts outstanding",
        "Ancienneté des montants non acquittés",
        "Antigüedad de los montos pendientes",
    ),
    "pack.table.rule8": (
        "Financial Rule 8: States in arrears",
        "Article 8 des règles de gestion financière : États en retard",
        "Artículo 8 de la Reglamentación Financiera: Estados con atrasos",
    ),
    "pack.table.plans": (
        "Payment plans and their compliance",
        "Plans de paiement et leur respect",
        "Planes de pagos y su cumplimiento",
    ),
    "pack.table.reserve": (
        "Working Capital Fund against its target",
        "Fonds de roulement par rapport à son objectif",
        "Fondo de Operaciones frente a su meta",
    ),
    "pack.table.forecast": (
        "Cash forecast, next 12 months",
        "Prévision de trésorerie, 12 prochains mois",
        "Previsión de tesorería, próximos 12 meses",
    ),
    "pack.table.budget": (
        "Budget and actual expenditure by fund",
        "Budget et dépenses effectives par fonds",
        "Presupuesto y gastos efectivos por fondo",
    ),
    # --- charts
    "pack.chart.aging": (
        "Amounts outstanding by age (US dollars)",
        "Montants non acquittés selon leur ancienneté (dollars des États-Unis)",
        "Montos pendientes según su antigüedad (dólares de los Estados Unidos)",
    ),
    "pack.chart.forecast": (
        "Projected closing cash by month (US dollars)",
        "Trésorerie prévue en fin de mois (dollars des États-Unis)",
        "Efectivo previsto al cierre de cada mes (dólares de los Estados Unidos)",
    ),
    "pack.chart.budget": (
        "Revised budget and actual expenditure by fund (US dollars)",
        "Budget révisé et dépenses effectives par fonds (dollars des États-Unis)",
        "Presupuesto revisado y gastos efectivos por fondo (dólares de los Estados Unidos)",
    ),
    # --- columns
    "pack.col.due_on": ("Due date", "Échéance", "Vencimiento"),
    "pack.col.bucket": ("Age", "Ancienneté", "Antigüedad"),
    "pack.col.days": ("Days past due", "Jours de retard", "Días de atraso"),
    "pack.col.outstanding": ("Outstanding", "Non acquitté", "Pendiente"),
    "pack.col.states": ("States", "États", "Estados"),
    "pack.col.treaty_status": ("Status", "Statut", "Condición"),
    "pack.col.years_in_arrears": (
        "Years in arrears",
        "Exercices en retard",
        "Ejercicios con atrasos",
    ),
    "pack.col.arrears": ("Arrears", "Arriérés", "Atrasos"),
    "pack.col.threshold": (
        "Assessed for the preceding years",
        "Mis en recouvrement pour les exercices précédents",
        "Prorrateado para los ejercicios anteriores",
    ),
    "pack.col.subject": ("Measures apply", "Mesures applicables", "Medidas aplicables"),
    "pack.col.measure.no_vote": ("No vote", "Pas de droit de vote", "Sin derecho de voto"),
    "pack.col.measure.no_bureau": (
        "Not eligible: Bureau",
        "Inéligible : Bureau",
        "Inelegible: Mesa",
    ),
    "pack.col.measure.no_management_committee": (
        "Not eligible: Management Committee",
        "Inéligible : Comité de gestion",
        "Inelegible: Comité de Gestión",
    ),
    "pack.col.measure.no_vtf_selection_committee": (
        "Not eligible: VTF Selection Committee",
        "Inéligible : Comité de sélection du FASCV",
        "Inelegible: Comité de Selección del FFCV",
    ),
    "pack.col.measure.no_sponsorship": (
        "Not eligible: Sponsorship Programme",
        "Inéligible : Programme de parrainage",
        "Inelegible: Programa de Patrocinio",
    ),
    "pack.col.exempt": (
        "Exempt (payment plan)",
        "Exempté (plan de paiement)",
        "Exento (plan de pagos)",
    ),
    "pack.col.plan_id": ("Plan", "Plan", "Plan"),
    "pack.col.standing": ("Standing", "Situation", "Situación"),
    "pack.col.reason": ("Reason", "Motif", "Motivo"),
    "pack.col.received_on": ("Received on", "Reçu le", "Recibido el"),
    "pack.col.decision": ("Decision", "Décision", "Decisión"),
    "pack.col.decided_on": ("Decided on", "Décidé le", "Decidido el"),
    "pack.col.plan_total": ("Plan total", "Total du plan", "Total del plan"),
    "pack.col.scheduled": (
        "Scheduled to date",
        "Échu à ce jour",
        "Vencido a la fecha",
    ),
    "pack.col.paid": ("Paid to date", "Payé à ce jour", "Pagado a la fecha"),
    "pack.col.behind": ("Behind by", "Retard", "Atraso"),
    "pack.col.item": ("Item", "Poste", "Concepto"),
    "pack.col.amount": ("Amount", "Montant", "Monto"),
    "pack.col.scenario": ("Scenario", "Scénario", "Escenario"),
    "pack.col.month": ("Month", "Mois", "Mes"),
    "pack.col.start": ("From", "Du", "Desde"),
    "pack.col.end": ("To", "Au", "Hasta"),
    "pack.col.opening": ("Opening cash", "Trésorerie d'ouverture", "Efectivo inicial"),
    "pack.col.receipts": ("Expected receipts", "Recettes attendues", "Ingresos previstos"),
    "pack.col.spending": ("Planned spending", "Dépenses prévues", "Gastos previstos"),
    "pack.col.closing_before_draw": (
        "Closing cash",
        "Trésorerie de clôture",
        "Efectivo final",
    ),
    "pack.col.draw": (
        "Drawn on the reserve",
        "Prélevé sur la réserve",
        "Tomado de la reserva",
    ),
    "pack.col.closing_after_draw": (
        "Closing cash after the draw",
        "Trésorerie de clôture après prélèvement",
        "Efectivo final tras el uso de la reserva",
    ),
    "pack.col.reserve_after": ("Reserve left", "Réserve restante", "Reserva restante"),
    "pack.col.shortfall": ("Shortfall", "Insuffisance", "Déficit"),
    "pack.col.original": ("Original budget", "Budget initial", "Presupuesto inicial"),
    "pack.col.revised": ("Revised budget", "Budget révisé", "Presupuesto revisado"),
    "pack.col.commitments": ("Commitments", "Engagements", "Compromisos"),
    "pack.col.actual": ("Actual", "Dépenses effectives", "Gastos efectivos"),
    "pack.col.available": ("Available", "Disponible", "Disponible"),
    "pack.col.execution_rate": ("Execution rate", "Taux d'exécution", "Tasa de ejecución"),
    # --- values of label columns
    "pack.treaty_status.state_party": ("State Party", "État partie", "Estado parte"),
    "pack.treaty_status.signatory": ("Signatory", "Signataire", "Signatario"),
    "pack.treaty_status.none": ("Not a Party", "Non partie", "No parte"),
    "pack.decision.submitted": ("Awaiting decision", "En attente de décision", "Pendiente"),
    "pack.decision.approved": ("Approved", "Approuvé", "Aprobado"),
    "pack.decision.rejected": ("Rejected", "Rejeté", "Rechazado"),
    "pack.standing.on_track": ("On track", "Respecté", "Al día"),
    "pack.standing.behind": (
        "Behind (within the grace period)",
        "En retard (dans le délai de grâce)",
        "Con retraso (dentro del plazo de gracia)",
    ),
    "pack.standing.lapsed": ("Lapsed", "Caduc", "Caducado"),
    "pack.standing.completed": ("Completed", "Achevé", "Cumplido"),
    "pack.reserve.balance": ("Balance", "Solde", "Saldo"),
    "pack.reserve.cash": ("Cash held", "Trésorerie détenue", "Efectivo disponible"),
    "pack.reserve.advanced": (
        "Advanced to funds, not yet replenished",
        "Avances aux fonds non encore remboursées",
        "Anticipos a fondos aún no reembolsados",
    ),
    "pack.reserve.receivable": (
        "Transfers decided, not yet settled",
        "Virements décidés, non encore réglés",
        "Transferencias decididas, aún no liquidadas",
    ),
    "pack.reserve.available": (
        "Available for an advance",
        "Disponible pour une avance",
        "Disponible para un anticipo",
    ),
    "pack.reserve.annual_budget": (
        "Annual budget the target is based on",
        "Budget annuel servant de base à l'objectif",
        "Presupuesto anual en que se basa la meta",
    ),
    "pack.reserve.target": ("Target", "Objectif", "Meta"),
    "pack.reserve.gap": (
        "Gap to the target (positive: below the target)",
        "Écart par rapport à l'objectif (positif : en deçà de l'objectif)",
        "Diferencia con la meta (positiva: por debajo de la meta)",
    ),
    # --- notes
    "pack.note.arrears": (
        "Amounts are the receivable balances in the ledger; the age is counted in assessment "
        "years before the year of the report. A negative amount is an overpayment of that year.",
        "Les montants sont les soldes des créances dans le grand livre ; l'ancienneté est "
        "comptée en exercices de mise en recouvrement avant l'exercice du rapport. Un montant "
        "négatif est un trop-perçu de l'exercice.",
        "Los montos son los saldos por cobrar del libro mayor; la antigüedad se cuenta en "
        "ejercicios de prorrateo anteriores al ejercicio del informe. Un monto negativo es un "
        "pago en exceso de ese ejercicio.",
    ),
    "pack.note.rule8": (
        "The measures apply when a State's arrears are at least the contributions assessed "
        "for the preceding full years; an approved payment plan that is kept to exempts the "
        "State. The reason is given in English, with the figures.",
        "Les mesures s'appliquent lorsque les arriérés d'un État atteignent au moins les "
        "contributions mises en recouvrement pour les exercices complets précédents ; un plan "
        "de paiement approuvé et respecté exempte l'État. Le motif est donné en anglais, avec "
        "les chiffres.",
        "Las medidas se aplican cuando los atrasos de un Estado igualan o superan las cuotas "
        "prorrateadas para los ejercicios completos anteriores; un plan de pagos aprobado y "
        "cumplido exime al Estado. El motivo se indica en inglés, con las cifras.",
    ),
    "pack.note.plans": (
        "Scheduled to date: the instalments due and, where the rule requires it, the "
        "assessments fallen due since the application; paid to date: what the State paid "
        "since the application.",
        "Échu à ce jour : les échéances du plan et, lorsque la règle l'exige, les "
        "contributions devenues exigibles depuis la demande ; payé à ce jour : ce que l'État "
        "a versé depuis la demande.",
        "Vencido a la fecha: los plazos vencidos y, cuando la norma lo exige, las cuotas "
        "vencidas desde la solicitud; pagado a la fecha: lo que el Estado pagó desde la "
        "solicitud.",
    ),
    "pack.note.reserve": (
        "The target is set by the rule in force on the date of the report, on the budgets of "
        "its year.",
        "L'objectif est fixé par la règle en vigueur à la date du rapport, sur la base des "
        "budgets de l'exercice.",
        "La meta la fija la norma vigente en la fecha del informe, sobre la base de los "
        "presupuestos del ejercicio.",
    ),
    "pack.note.forecast": (
        "Assessed funds together. Receipts are expected from each State's payment history; "
        "spending follows the spending plan, else the budget spread evenly; the reserve is "
        "drawn when cash would fall below zero.",
        "Fonds mis en recouvrement ensemble. Les recettes sont attendues selon l'historique "
        "de paiement de chaque État ; les dépenses suivent le plan de dépenses, à défaut le "
        "budget réparti également ; la réserve est mise à contribution lorsque la trésorerie "
        "deviendrait négative.",
        "Fondos prorrateados en conjunto. Los ingresos se prevén según el historial de pagos "
        "de cada Estado; los gastos siguen el plan de gastos o, en su defecto, el presupuesto "
        "repartido por igual; se recurre a la reserva cuando el efectivo sería negativo.",
    ),
    "pack.note.budget": (
        "Available = revised budget − commitments − actual; execution rate = actual ÷ revised "
        "budget.",
        "Disponible = budget révisé − engagements − dépenses effectives ; taux d'exécution = "
        "dépenses effectives ÷ budget révisé.",
        "Disponible = presupuesto revisado − compromisos − gastos efectivos; tasa de "
        "ejecución = gastos efectivos ÷ presupuesto revisado.",
    ),
}
