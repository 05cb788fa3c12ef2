"""Labels of the ledger exports for the auditors: the trial balance (``tb.``) and the
general ledger (``gl.``; its period and chain-head facts serve both reports)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    # --- trial balance
    "tb.title": (
        "Trial balance, {from_on} to {as_at}",
        "Balance de vérification, du {from_on} au {as_at}",
        "Balance de comprobación, del {from_on} al {as_at}",
    ),
    "tb.subtitle": (
        "Every ledger account of every fund, in US dollars (confidential)",
        "Tous les comptes du grand livre de chaque fonds, en dollars des États-Unis (confidentiel)",
        "Todas las cuentas del libro mayor de cada fondo, en dólares de los Estados Unidos "
        "(confidencial)",
    ),
    "tb.table.accounts": ("Trial balance", "Balance de vérification", "Balance de comprobación"),
    "tb.col.account_type": ("Account type", "Type de compte", "Tipo de cuenta"),
    "tb.col.account_name": ("Account", "Compte", "Cuenta"),
    "tb.col.opening": ("Opening balance", "Solde d'ouverture", "Saldo inicial"),
    "tb.col.debits": ("Debits", "Débits", "Débitos"),
    "tb.col.credits": ("Credits", "Crédits", "Créditos"),
    "tb.col.closing": ("Closing balance", "Solde de clôture", "Saldo final"),
    "tb.note.signs": (
        "Balances are signed: debit balances positive, credit balances negative. Debits "
        "and credits are the period's postings, both shown positive: opening + debits − "
        "credits = closing. Each fund's entries balance, so its opening and closing "
        "balances total zero and its debits equal its credits.",
        "Les soldes sont signés : soldes débiteurs positifs, soldes créditeurs négatifs. "
        "Les débits et les crédits sont les écritures de la période, tous deux en positif : "
        "solde d'ouverture + débits − crédits = solde de clôture. Les écritures de chaque "
        "fonds s'équilibrent : ses soldes d'ouverture et de clôture totalisent zéro et ses "
        "débits égalent ses crédits.",
        "Los saldos llevan signo: saldos deudores positivos, saldos acreedores negativos. "
        "Los débitos y los créditos son los asientos del período, ambos en positivo: saldo "
        "inicial + débitos − créditos = saldo final. Los asientos de cada fondo están "
        "equilibrados: sus saldos inicial y final suman cero y sus débitos igualan sus "
        "créditos.",
    ),
    "tb.fact.debits": (
        "Total debits in the period",
        "Total des débits de la période",
        "Total de débitos del período",
    ),
    "tb.fact.credits": (
        "Total credits in the period",
        "Total des crédits de la période",
        "Total de créditos del período",
    ),
    "tb.fact.entries": (
        "Journal entries in the period",
        "Écritures de journal de la période",
        "Asientos del diario en el período",
    ),
    "tb.type.bank": ("Bank", "Banque", "Banco"),
    "tb.type.receivable": (
        "Contributions receivable",
        "Contributions à recevoir",
        "Cuotas por cobrar",
    ),
    "tb.type.state_credit": (
        "Credits held for States",
        "Crédits détenus pour les États",
        "Créditos a favor de los Estados",
    ),
    "tb.type.assessed_revenue": (
        "Assessed contributions revenue",
        "Produits des contributions mises en recouvrement",
        "Ingresos por cuotas prorrateadas",
    ),
    "tb.type.voluntary_revenue": (
        "Voluntary contributions revenue",
        "Produits des contributions volontaires",
        "Ingresos por contribuciones voluntarias",
    ),
    "tb.type.other_revenue": ("Other revenue", "Autres produits", "Otros ingresos"),
    "tb.type.expenditure": ("Expenditure", "Dépenses", "Gastos"),
    "tb.type.write_off": ("Write-offs", "Passations en pertes", "Castigos"),
    "tb.type.exchange_gain_loss": (
        "Exchange gains and losses",
        "Gains et pertes de change",
        "Ganancias y pérdidas cambiarias",
    ),
    "tb.type.due_from_other_funds": (
        "Due from other funds",
        "Montants dus par d'autres fonds",
        "Sumas adeudadas por otros fondos",
    ),
    "tb.type.due_to_other_funds": (
        "Due to other funds",
        "Montants dus à d'autres fonds",
        "Sumas adeudadas a otros fondos",
    ),
    "tb.type.reserve": ("Reserve", "Réserve", "Reserva"),
    "tb.type.accumulated_surplus": (
        "Accumulated surplus",
        "Excédent cumulé",
        "Superávit acumulado",
    ),
    # --- general ledger
    "gl.title": (
        "General ledger, {from_on} to {as_at}",
        "Grand livre, du {from_on} au {as_at}",
        "Libro mayor, del {from_on} al {as_at}",
    ),
    "gl.subtitle": (
        "Every posting of every journal entry of the period, in US dollars (confidential)",
        "Toutes les lignes de chaque écriture de journal de la période, en dollars des "
        "États-Unis (confidentiel)",
        "Todas las líneas de cada asiento del diario del período, en dólares de los Estados "
        "Unidos (confidencial)",
    ),
    "gl.table.postings": ("General ledger", "Grand livre", "Libro mayor"),
    "gl.col.seq": ("Entry", "Écriture", "Asiento"),
    "gl.col.value_on": ("Value date", "Date de valeur", "Fecha valor"),
    "gl.col.recorded_at": (
        "Recorded at (UTC)",
        "Enregistrée le (UTC)",
        "Registrado el (UTC)",
    ),
    "gl.col.entry_type": ("Entry type", "Type d'écriture", "Tipo de asiento"),
    "gl.col.description": ("Description", "Libellé", "Descripción"),
    "gl.col.source_ref": ("Source reference", "Référence source", "Referencia de origen"),
    "gl.col.actor": ("Recorded by", "Enregistré par", "Registrado por"),
    "gl.col.reverses_seq": ("Reverses entry", "Contrepasse l'écriture", "Anula el asiento"),
    "gl.col.prev_hash": (
        "Previous entry's hash",
        "Empreinte de l'écriture précédente",
        "Huella del asiento anterior",
    ),
    "gl.col.entry_hash": ("Entry hash", "Empreinte de l'écriture", "Huella del asiento"),
    "gl.col.line_no": ("Line", "Ligne", "Línea"),
    "gl.col.account_code": ("Account", "Compte", "Cuenta"),
    "gl.col.state_code": ("State", "État", "Estado"),
    "gl.col.assessment_year": (
        "Assessment year",
        "Année de la contribution",
        "Año de la cuota",
    ),
    "gl.col.budget_line_id": ("Budget line", "Ligne budgétaire", "Partida presupuestaria"),
    "gl.col.debit": ("Debit", "Débit", "Débito"),
    "gl.col.credit": ("Credit", "Crédit", "Crédito"),
    "gl.note.signs": (
        "One line per posting, ordered by entry then line. Debit and credit are shown "
        "positive; each entry's debits equal its credits within each fund. Each entry's "
        "hash covers its content and the previous entry's hash (the ledger's hash chain).",
        "Une ligne par imputation, dans l'ordre des écritures puis des lignes. Débits et "
        "crédits sont présentés en positif ; dans chaque fonds, les débits de chaque "
        "écriture égalent ses crédits. L'empreinte de chaque écriture couvre son contenu "
        "et l'empreinte de l'écriture précédente (la chaîne d'empreintes du grand livre).",
        "Una línea por imputación, en el orden de los asientos y luego de las líneas. "
        "Débitos y créditos se muestran en positivo; en cada fondo, los débitos de cada "
        "asiento igualan sus créditos. La huella de cada asiento abarca su contenido y la "
        "huella del asiento anterior (la cadena de huellas del libro mayor).",
    ),
    "gl.fact.from_on": ("Period from", "Période du", "Período desde"),
    "gl.fact.as_at": ("Period to", "Période au", "Período hasta"),
    "gl.fact.postings": (
        "Postings in the period",
        "Imputations de la période",
        "Imputaciones del período",
    ),
    "gl.fact.chain_head_seq": (
        "Last entry recorded (chain head)",
        "Dernière écriture enregistrée (tête de chaîne)",
        "Último asiento registrado (cabeza de la cadena)",
    ),
    "gl.fact.chain_head_hash": (
        "Hash of the last entry recorded",
        "Empreinte de la dernière écriture enregistrée",
        "Huella del último asiento registrado",
    ),
}
