"""Labels of the public portal (``api/portal``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    "portal.site": (
        "Finances of the Arms Trade Treaty",
        "Finances du Traité sur le commerce des armes",
        "Finanzas del Tratado sobre el Comercio de Armas",
    ),
    "portal.tagline": (
        "Contributions, spending and the strategic plan, as published by the Secretariat",
        "Contributions, dépenses et plan stratégique, tels que publiés par le Secrétariat",
        "Contribuciones, gastos y plan estratégico, tal como los publica la Secretaría",
    ),
    "portal.skip": ("Skip to the content", "Aller au contenu", "Ir al contenido"),
    "portal.nav": ("Sections", "Rubriques", "Secciones"),
    "portal.nav.home": ("Overview", "Vue d'ensemble", "Panorama"),
    "portal.nav.status": (
        "Status of contributions",
        "État des contributions",
        "Estado de las contribuciones",
    ),
    "portal.nav.progress": ("Progress report", "Rapport d'avancement", "Informe de progreso"),
    "portal.nav.spending": (
        "Activity-based spending",
        "Dépenses par activité",
        "Gasto por actividades",
    ),
    "portal.nav.archive": ("Archive", "Archives", "Archivo"),
    "portal.language": ("Language", "Langue", "Idioma"),
    "portal.footer": (
        "Every figure on this site comes from a publication approved by two officers of the "
        "Secretariat and frozen when it was published: its files never change, and their "
        "SHA-256 fingerprints are shown beside them.",
        "Chaque chiffre de ce site provient d'une publication approuvée par deux "
        "fonctionnaires du Secrétariat et figée lors de sa publication : ses fichiers ne "
        "changent jamais, et leur empreinte SHA-256 figure à côté d'eux.",
        "Cada cifra de este sitio procede de una publicación aprobada por dos funcionarios "
        "de la Secretaría y congelada al publicarse: sus archivos no cambian nunca, y su "
        "huella SHA-256 figura junto a ellos.",
    ),
    "portal.api": (
        "The same publications as data: the public API",
        "Les mêmes publications sous forme de données : l'API publique",
        "Las mismas publicaciones como datos: la API pública",
    ),
    "portal.demo_note": (
        "This site shows an illustrative data set: no figure on it is real.",
        "Ce site présente un jeu de données d'illustration : aucun chiffre n'y est réel.",
        "Este sitio muestra un conjunto de datos ilustrativos: ninguna cifra es real.",
    ),
    # --- the home page ---
    "portal.home.title": (
        "The treaty's finances at a glance",
        "Les finances du traité en un coup d'œil",
        "Las finanzas del tratado de un vistazo",
    ),
    "portal.home.figures": ("Headline figures", "Chiffres clés", "Cifras principales"),
    "portal.home.from": (
        "From “{title}”, published on {date}.",
        "Extrait de « {title} », publié le {date}.",
        "De «{title}», publicado el {date}.",
    ),
    "portal.home.collection_rate": (
        "Contributions for {year} collected",
        "Contributions de {year} recouvrées",
        "Contribuciones de {year} recaudadas",
    ),
    "portal.home.outstanding": (
        "Contributions outstanding (US$)",
        "Contributions non acquittées (USD)",
        "Contribuciones pendientes (USD)",
    ),
    "portal.home.prior": (
        "Owed for earlier years on 1 January {year} (US$)",
        "Dû au titre des exercices antérieurs au 1er janvier {year} (USD)",
        "Adeudado por ejercicios anteriores al 1 de enero de {year} (USD)",
    ),
    "portal.home.reserve": (
        "Working Capital Fund against its target",
        "Fonds de roulement par rapport à son objectif",
        "Fondo de Operaciones con respecto a su meta",
    ),
    "portal.home.reserve_detail": (
        "US$ {balance} of US$ {target}",
        "{balance} USD sur {target} USD",
        "{balance} USD de {target} USD",
    ),
    "portal.home.plan": (
        "Indicators of the strategic plan on track ({year})",
        "Indicateurs du plan stratégique en bonne voie ({year})",
        "Indicadores del plan estratégico en buen camino ({year})",
    ),
    "portal.home.plan_detail": (
        "{on_track} of {count} indicators",
        "{on_track} indicateurs sur {count}",
        "{on_track} de {count} indicadores",
    ),
    "portal.home.spending": (
        "Budget spent on activities ({year})",
        "Budget dépensé pour les activités ({year})",
        "Presupuesto gastado en actividades ({year})",
    ),
    "portal.home.none": (
        "Nothing has been published yet.",
        "Rien n'a encore été publié.",
        "Todavía no se ha publicado nada.",
    ),
    "portal.home.read": ("Read the report", "Lire le rapport", "Leer el informe"),
    "portal.changes": (
        "What changed since the last publication",
        "Ce qui a changé depuis la publication précédente",
        "Qué cambió desde la publicación anterior",
    ),
    "portal.changes.intro": (
        "Each report's latest publication against the one before it.",
        "La dernière publication de chaque rapport, comparée à la précédente.",
        "La última publicación de cada informe, comparada con la anterior.",
    ),
    "portal.changes.first": (
        "First publication of this report.",
        "Première publication de ce rapport.",
        "Primera publicación de este informe.",
    ),
    "portal.changes.figure": ("Figure", "Chiffre", "Cifra"),
    "portal.changes.before": ("Before", "Avant", "Antes"),
    "portal.changes.after": ("Now", "Maintenant", "Ahora"),
    "portal.changes.change": ("Change", "Variation", "Variación"),
    "portal.points": ("{value} points", "{value} points", "{value} puntos"),
    "portal.changes.none": (
        "No headline figure changed.",
        "Aucun chiffre clé n'a changé.",
        "Ninguna cifra principal cambió.",
    ),
    # --- the report pages ---
    "portal.status.title": (
        "Status of contributions and honour roll",
        "État des contributions et tableau d'honneur",
        "Estado de las contribuciones y cuadro de honor",
    ),
    "portal.progress.title": (
        "Annual progress report on the strategic plan",
        "Rapport annuel d'avancement du plan stratégique",
        "Informe anual de progreso del plan estratégico",
    ),
    "portal.spending.title": (
        "Activity-based spending",
        "Dépenses par activité",
        "Gasto por actividades",
    ),
    "portal.unpublished": (
        "This report has not been published yet.",
        "Ce rapport n'a pas encore été publié.",
        "Este informe todavía no se ha publicado.",
    ),
    "portal.other_years": (
        "Other publications of this report",
        "Autres publications de ce rapport",
        "Otras publicaciones de este informe",
    ),
    # --- a publication ---
    "portal.publication": ("Publication", "Publication", "Publicación"),
    "portal.about": (
        "About this publication",
        "À propos de cette publication",
        "Acerca de esta publicación",
    ),
    "portal.published_on": ("Published on", "Publié le", "Publicado el"),
    "portal.as_at": ("Figures as at", "Chiffres au", "Cifras al"),
    "portal.known_at": (
        "As recorded by",
        "Selon les écritures enregistrées au",
        "Según lo registrado al",
    ),
    "portal.reference": ("Reference", "Référence", "Referencia"),
    "portal.approval": ("Approved under", "Approuvé au titre de", "Aprobado en virtud de"),
    "portal.content_hash": (
        "Content fingerprint (SHA-256)",
        "Empreinte du contenu (SHA-256)",
        "Huella del contenido (SHA-256)",
    ),
    "portal.ledger_head": (
        "Last ledger entry included",
        "Dernière écriture comptable incluse",
        "Último asiento contable incluido",
    ),
    "portal.current": (
        "This is the current publication of this report.",
        "Ceci est la publication en vigueur de ce rapport.",
        "Esta es la publicación vigente de este informe.",
    ),
    "portal.superseded": (
        "A later publication replaces this one:",
        "Une publication ultérieure remplace celle-ci :",
        "Una publicación posterior sustituye a esta:",
    ),
    "portal.downloads": ("Downloads", "Téléchargements", "Descargas"),
    "portal.downloads.intro": (
        "Each file's SHA-256 fingerprint lets you check that your copy is the one published "
        "(for example with “sha256sum” or “certutil -hashfile FILE SHA256”).",
        "L'empreinte SHA-256 de chaque fichier permet de vérifier que votre copie est bien "
        "celle qui a été publiée (par exemple avec « sha256sum » ou « certutil -hashfile "
        "FICHIER SHA256 »).",
        "La huella SHA-256 de cada archivo permite comprobar que su copia es la publicada "
        "(por ejemplo con «sha256sum» o «certutil -hashfile ARCHIVO SHA256»).",
    ),
    "portal.file": ("File", "Fichier", "Archivo"),
    "portal.format": ("Format", "Format", "Formato"),
    "portal.size": ("Size", "Taille", "Tamaño"),
    "portal.sha256": ("SHA-256", "SHA-256", "SHA-256"),
    "portal.format.xlsx": ("Workbook (xlsx)", "Classeur (xlsx)", "Libro (xlsx)"),
    "portal.format.pdf": ("PDF", "PDF", "PDF"),
    "portal.format.html": ("Web page (html)", "Page web (html)", "Página web (html)"),
    "portal.format.csv": ("Table (csv)", "Tableau (csv)", "Cuadro (csv)"),
    "portal.format.json": ("Data (json)", "Données (json)", "Datos (json)"),
    "portal.other_languages": (
        "In other languages",
        "Dans d'autres langues",
        "En otros idiomas",
    ),
    "portal.size.kb": ("{size} KB", "{size} Ko", "{size} KB"),
    "portal.no_page": (
        "This publication is made of data files only: see the downloads.",
        "Cette publication ne comprend que des fichiers de données : voir les téléchargements.",
        "Esta publicación consta solo de archivos de datos: véanse las descargas.",
    ),
    "portal.kind.annual_update": (
        "Annual update {year}: {plan}",
        "Mise à jour annuelle {year} : {plan}",
        "Actualización anual {year}: {plan}",
    ),
    # --- the archive ---
    "portal.archive.title": (
        "Every publication",
        "Toutes les publications",
        "Todas las publicaciones",
    ),
    "portal.archive.intro": (
        "Every report the Secretariat has published, latest first. A publication that a "
        "later one replaced stays here, unchanged.",
        "Tous les rapports publiés par le Secrétariat, du plus récent au plus ancien. Une "
        "publication remplacée par une plus récente reste ici, inchangée.",
        "Todos los informes publicados por la Secretaría, del más reciente al más antiguo. "
        "Una publicación sustituida por otra posterior permanece aquí, sin cambios.",
    ),
    "portal.archive.year": ("Published in {year}", "Publié en {year}", "Publicado en {year}"),
    "portal.archive.what": ("Publication", "Publication", "Publicación"),
    "portal.archive.replaced": ("replaced", "remplacée", "sustituida"),
    # --- errors ---
    "portal.not_found": ("Page not found", "Page introuvable", "Página no encontrada"),
    "portal.not_found.detail": (
        "This page does not exist, or what it would show has not been published.",
        "Cette page n'existe pas, ou ce qu'elle montrerait n'a pas été publié.",
        "Esta página no existe, o lo que mostraría no se ha publicado.",
    ),
    "portal.back_home": (
        "Back to the overview",
        "Retour à la vue d'ensemble",
        "Volver al panorama",
    ),
}
