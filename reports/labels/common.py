"""Labels every report uses."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    "report.position": (
        "As at {as_at}, as recorded by {known_at}",
        "Au {as_at}, selon les écritures enregistrées au {known_at}",
        "Al {as_at}, según lo registrado al {known_at}",
    ),
    "reserve.fact.balance": (
        "Working Capital Fund balance",
        "Solde du Fonds de roulement",
        "Saldo del Fondo de Operaciones",
    ),
    "reserve.fact.target": (
        "Working Capital Fund target",
        "Objectif du Fonds de roulement",
        "Meta del Fondo de Operaciones",
    ),
    "reserve.fact.funded": (
        "Balance as a share of the target",
        "Solde en proportion de l'objectif",
        "Saldo en proporción de la meta",
    ),
    "report.summary": ("Summary", "Synthèse", "Resumen"),
    "report.total": ("Total", "Total", "Total"),
    "report.no_rows": ("Nothing to show.", "Rien à signaler.", "Nada que mostrar."),
    "report.rows_cut": (
        "The first {shown} of {count} rows are shown; the xlsx and csv files hold them all.",
        "Seules les {shown} premières lignes sur {count} sont affichées ; les fichiers xlsx "
        "et csv les contiennent toutes.",
        "Se muestran las primeras {shown} de {count} filas; los archivos xlsx y csv las "
        "contienen todas.",
    ),
    "report.files_only": (
        "The table “{table}” is in the xlsx, csv and json files of this report.",
        "Le tableau « {table} » figure dans les fichiers xlsx, csv et json de ce rapport.",
        "El cuadro «{table}» figura en los archivos xlsx, csv y json de este informe.",
    ),
    "report.chart_data": (
        "(the figures are in the table below)",
        "(les chiffres figurent dans le tableau ci-dessous)",
        "(las cifras figuran en el cuadro siguiente)",
    ),
    "col.fund": ("Fund", "Fonds", "Fondo"),
    "col.state_code": ("Code", "Code", "Código"),
    "col.state_name": ("State", "État", "Estado"),
    "col.year": ("Year", "Année", "Año"),
    "col.code": ("Code", "Code", "Código"),
    "col.title": ("Title", "Intitulé", "Título"),
    "yes_no.true": ("Yes", "Oui", "Sí"),
    "yes_no.false": ("No", "Non", "No"),
}
