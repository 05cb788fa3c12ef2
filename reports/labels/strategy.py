"""Labels of the reports on the strategic plan: the activity-based spending report
(``activity.``) and the annual progress report (``progress.``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    # --- activity-based spending ---------------------------------------------------------
    "activity.title": (
        "Activity-based spending {year}: {plan}",
        "Dépenses par activité {year} : {plan}",
        "Gasto por actividades {year}: {plan}",
    ),
    "activity.subtitle": (
        "{plan_title}: the budget lines of {year} shared among the plan's objectives, "
        "in US dollars",
        "{plan_title} : les lignes budgétaires de {year} réparties entre les objectifs du "
        "plan, en dollars des États-Unis",
        "{plan_title}: las líneas presupuestarias de {year} repartidas entre los objetivos "
        "del plan, en dólares de los Estados Unidos",
    ),
    "activity.table.goals": ("By goal", "Par but", "Por meta"),
    "activity.table.objectives": ("By objective", "Par objectif", "Por objetivo"),
    "activity.table.lines": ("By budget line", "Par ligne budgétaire", "Por línea presupuestaria"),
    "activity.chart.goals": (
        "Revised budget and actual expenditure by goal (US dollars)",
        "Budget révisé et dépenses effectives par but (dollars É.-U.)",
        "Presupuesto revisado y gasto efectivo por meta (dólares EE. UU.)",
    ),
    "activity.col.part": ("Part", "Partie", "Parte"),
    "activity.part.goal": ("Goal", "But", "Meta"),
    "activity.part.unlinked": (
        "Not linked to an objective",
        "Non rattaché à un objectif",
        "No vinculado a un objetivo",
    ),
    "activity.col.goal_code": ("Goal", "But", "Meta"),
    "activity.col.line_code": ("Budget line", "Ligne budgétaire", "Línea presupuestaria"),
    "activity.col.links": (
        "Objectives (share of the line)",
        "Objectifs (part de la ligne)",
        "Objetivos (parte de la línea)",
    ),
    "activity.col.original": ("Original budget", "Budget initial", "Presupuesto inicial"),
    "activity.col.revised": ("Revised budget", "Budget révisé", "Presupuesto revisado"),
    "activity.col.commitments": ("Commitments", "Engagements", "Compromisos"),
    "activity.col.actual": ("Actual expenditure", "Dépenses effectives", "Gasto efectivo"),
    "activity.col.available": ("Available", "Disponible", "Disponible"),
    "activity.col.variance": (
        "Variance (revised − actual)",
        "Écart (révisé − effectif)",
        "Diferencia (revisado − efectivo)",
    ),
    "activity.col.rate": ("Execution rate", "Taux d'exécution", "Tasa de ejecución"),
    "activity.col.unlinked_revised": (
        "Revised budget not linked",
        "Budget révisé non rattaché",
        "Presupuesto revisado no vinculado",
    ),
    "activity.col.unlinked_actual": (
        "Expenditure not linked",
        "Dépenses non rattachées",
        "Gasto no vinculado",
    ),
    "activity.fact.revised": (
        "Revised budget of the year",
        "Budget révisé de l'année",
        "Presupuesto revisado del año",
    ),
    "activity.fact.actual": (
        "Actual expenditure of the year",
        "Dépenses effectives de l'année",
        "Gasto efectivo del año",
    ),
    "activity.fact.rate": ("Execution rate", "Taux d'exécution", "Tasa de ejecución"),
    "activity.fact.unlinked_actual": (
        "Expenditure not linked to an objective",
        "Dépenses non rattachées à un objectif",
        "Gasto no vinculado a un objetivo",
    ),
    "activity.fact.linked_share": (
        "Share of the expenditure linked to the plan",
        "Part des dépenses rattachée au plan",
        "Parte del gasto vinculada al plan",
    ),
    "activity.note.goals": (
        "Each budget line is shared among the plan's objectives by the links in force; "
        "what the links leave is not linked. The goals and the part not linked add up to "
        "every budget line of the year. Variance = revised budget − actual expenditure; "
        "available = revised budget − commitments − actual expenditure.",
        "Chaque ligne budgétaire est répartie entre les objectifs du plan selon les "
        "rattachements en vigueur ; ce qu'ils laissent n'est pas rattaché. Les buts et la "
        "partie non rattachée totalisent toutes les lignes budgétaires de l'année. Écart = "
        "budget révisé − dépenses effectives ; disponible = budget révisé − engagements − "
        "dépenses effectives.",
        "Cada línea presupuestaria se reparte entre los objetivos del plan según las "
        "vinculaciones vigentes; lo que estas dejan no está vinculado. Las metas y la parte "
        "no vinculada suman todas las líneas presupuestarias del año. Diferencia = "
        "presupuesto revisado − gasto efectivo; disponible = presupuesto revisado − "
        "compromisos − gasto efectivo.",
    ),
    "activity.note.objectives": (
        "The total lines give each goal's part of the budget lines.",
        "Les lignes de total donnent la part de chaque but dans les lignes budgétaires.",
        "Las líneas de total dan la parte de cada meta en las líneas presupuestarias.",
    ),
    "activity.note.lines": (
        "The figures are those of the whole line; the columns not linked give the part of "
        "the line that no objective of the plan takes.",
        "Les montants sont ceux de la ligne entière ; les colonnes non rattachées donnent "
        "la partie de la ligne qu'aucun objectif du plan ne prend.",
        "Las cifras son las de la línea entera; las columnas no vinculadas dan la parte de "
        "la línea que ningún objetivo del plan toma.",
    ),
    # --- annual progress report ------------------------------------------------------------
    "progress.title": (
        "Annual progress report {year}: {plan}",
        "Rapport annuel d'avancement {year} : {plan}",
        "Informe anual de progreso {year}: {plan}",
    ),
    "progress.subtitle": (
        "{plan_title}: progress against the indicators' targets for {year}, and what the "
        "year's budget lines spent, in US dollars",
        "{plan_title} : avancement au regard des cibles des indicateurs pour {year}, et "
        "dépenses des lignes budgétaires de l'année, en dollars des États-Unis",
        "{plan_title}: progreso respecto de las metas de los indicadores para {year}, y "
        "gasto de las líneas presupuestarias del año, en dólares de los Estados Unidos",
    ),
    "progress.table.goals": ("Goals", "Buts", "Metas"),
    "progress.table.objectives": ("Objectives", "Objectifs", "Objetivos"),
    "progress.table.indicators": ("Indicators", "Indicateurs", "Indicadores"),
    "progress.chart.indicators": (
        "Share of the way from each indicator's baseline to its target",
        "Part du chemin parcouru entre la base de référence de chaque indicateur et sa cible",
        "Parte del camino recorrido desde la línea de base de cada indicador hasta su meta",
    ),
    "progress.chart.goals": (
        "Indicators by status, per goal",
        "Indicateurs selon leur état, par but",
        "Indicadores según su estado, por meta",
    ),
    "progress.col.goal_code": ("Goal", "But", "Meta"),
    "progress.col.element_code": ("Attached to", "Rattaché à", "Vinculado a"),
    "progress.col.status": ("Status", "État", "Estado"),
    "progress.col.on_track": ("On track", "En bonne voie", "En buen camino"),
    "progress.col.at_risk": ("At risk", "À risque", "En riesgo"),
    "progress.col.off_track": ("Off track", "En retard", "Desviado"),
    "progress.col.no_data": ("No data", "Sans données", "Sin datos"),
    "progress.col.indicators": ("Indicators", "Indicateurs", "Indicadores"),
    "progress.col.actual": ("Spent in the year", "Dépensé dans l'année", "Gastado en el año"),
    "progress.col.revised": ("Revised budget", "Budget révisé", "Presupuesto revisado"),
    "progress.col.narrative": ("Narrative", "Commentaire", "Relato"),
    "progress.col.unit": ("Unit", "Unité", "Unidad"),
    "progress.col.baseline": ("Baseline", "Référence", "Línea de base"),
    "progress.col.baseline_year": (
        "Baseline year",
        "Année de référence",
        "Año de la línea de base",
    ),
    "progress.col.target": ("Target", "Cible", "Valor meta"),
    "progress.col.value": ("Value", "Valeur", "Valor"),
    "progress.col.share_of_way": (
        "Share of the way",
        "Part du chemin",
        "Parte del camino",
    ),
    "progress.col.trend": ("Trend", "Tendance", "Tendencia"),
    "progress.status.on_track": ("On track", "En bonne voie", "En buen camino"),
    "progress.status.at_risk": ("At risk", "À risque", "En riesgo"),
    "progress.status.off_track": ("Off track", "En retard", "Desviado"),
    "progress.status.no_data": ("No data", "Sans données", "Sin datos"),
    "progress.trend.improving": ("Improving", "En amélioration", "Mejorando"),
    "progress.trend.steady": ("Steady", "Stable", "Estable"),
    "progress.trend.worsening": ("Worsening", "En dégradation", "Empeorando"),
    "progress.unit.percent": ("Percent", "Pour cent", "Por ciento"),
    "progress.unit.count": ("Number", "Nombre", "Número"),
    "progress.unit.usd": ("US dollars", "Dollars É.-U.", "Dólares EE. UU."),
    "progress.unit.months": ("Months", "Mois", "Meses"),
    "progress.unit.ratio": ("Ratio", "Ratio", "Razón"),
    "progress.unit.days": ("Days", "Jours", "Días"),
    "progress.fact.on_track": (
        "Indicators on track",
        "Indicateurs en bonne voie",
        "Indicadores en buen camino",
    ),
    "progress.fact.at_risk": (
        "Indicators at risk",
        "Indicateurs à risque",
        "Indicadores en riesgo",
    ),
    "progress.fact.off_track": (
        "Indicators off track",
        "Indicateurs en retard",
        "Indicadores desviados",
    ),
    "progress.fact.no_data": (
        "Indicators without data",
        "Indicateurs sans données",
        "Indicadores sin datos",
    ),
    "progress.fact.spent": (
        "Spent in the year (every budget line)",
        "Dépensé dans l'année (toutes les lignes budgétaires)",
        "Gastado en el año (todas las líneas presupuestarias)",
    ),
    "progress.fact.spent_linked": (
        "Spent on the plan's objectives",
        "Dépensé pour les objectifs du plan",
        "Gastado en los objetivos del plan",
    ),
    "progress.note.goals": (
        "A goal's status is the worst status among its indicators and those of its "
        "objectives that have data. The narratives are those of the published annual update.",
        "L'état d'un but est le plus mauvais état parmi ses indicateurs et ceux de ses "
        "objectifs qui ont des données. Les commentaires sont ceux de la mise à jour annuelle "
        "publiée.",
        "El estado de una meta es el peor estado entre sus indicadores y los de sus "
        "objetivos que tienen datos. Los relatos son los de la actualización anual publicada.",
    ),
    "progress.note.indicators": (
        "Values are in the indicator's unit. Share of the way = (achieved − start) / "
        "(target − start): 100 % on the target; on track from 90 %, at risk from 60 %.",
        "Les valeurs sont dans l'unité de l'indicateur. Part du chemin = (atteint − départ) "
        "/ (cible − départ) : 100 % sur la cible ; en bonne voie dès 90 %, à risque dès 60 %.",
        "Los valores están en la unidad del indicador. Parte del camino = (alcanzado − "
        "inicio) / (meta − inicio): 100 % en la meta; en buen camino desde 90 %, en riesgo "
        "desde 60 %.",
    ),
}
