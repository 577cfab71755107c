"""The default questionnaire: "Observatoire des usages de l'IA dans les collectivités".

Three axes of the national plan: AI in public policies, AI and public life, AI and the jobs of
the fonction publique territoriale. Written as a definition (see definition.py); the helpers
below only keep it short to read.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def _q(key: str, type_: str, label: str, **extra: Any) -> Json:
    return {"kind": "question", "key": key, "type": type_, "label": label, **extra}


def _eq(key: str, code: str) -> Json:
    return {"op": "eq", "args": [{"var": key}, code]}


def _choices(*pairs: tuple[str, str], exclusive: tuple[str, ...] = ()) -> list[Json]:
    return [
        {"code": code, "label": label, **({"exclusive": True} if code in exclusive else {})}
        for code, label in pairs
    ]


USES_AI = _eq("usage_ia", "oui")
IS_EPCI = {"op": "eq", "args": [{"org": "kind"}, "epci"]}
HAS_GENERATIVE = {
    "op": "includes_any",
    "args": [{"var": "outils"}, ["ia_gen_texte", "ia_gen_image"]],
}

CHOICE_LISTS: Json = {
    "domaines": _choices(
        ("accueil", "Accueil et relation aux usagers"),
        ("administration", "Administration générale, courrier, actes"),
        ("finances", "Finances, achats et commande publique"),
        ("rh", "Ressources humaines"),
        ("urbanisme", "Urbanisme et autorisations du droit des sols"),
        ("mobilite", "Mobilités et voirie"),
        ("environnement", "Environnement, eau, déchets, énergie"),
        ("social", "Action sociale et solidarités"),
        ("education", "Éducation, petite enfance, jeunesse"),
        ("securite", "Sécurité et prévention"),
        ("culture", "Culture, sport et tourisme"),
        ("aucun", "Aucun domaine pour l'instant"),
        ("nsp", "Ne sait pas"),
        exclusive=("aucun", "nsp"),
    ),
    "outils": _choices(
        ("ia_gen_texte", "IA générative de texte (assistant conversationnel, rédaction, synthèse)"),
        ("ia_gen_image", "IA générative d'images ou de vidéos"),
        ("transcription", "Transcription ou traduction automatique"),
        ("lecture_docs", "Lecture automatique de documents (formulaires, factures, courriers)"),
        ("vision", "Analyse d'images ou de vidéos (voirie, espaces verts, bâtiments)"),
        ("prevision", "Prévision et optimisation (consommations, tournées, fréquentation)"),
        ("chatbot", "Agent conversationnel sur le site ou le téléphone de la collectivité"),
        ("nsp", "Ne sait pas"),
        exclusive=("nsp",),
    ),
    "acquisition": _choices(
        ("marche", "Marché public dédié"),
        ("centrale", "Centrale d'achat ou groupement de commandes"),
        ("editeur", "Fonction ajoutée par l'éditeur d'un logiciel déjà utilisé"),
        ("gratuit", "Service gratuit ou grand public utilisé tel quel"),
        ("interne", "Développement interne"),
        ("mutualise", "Outil mutualisé (syndicat numérique, EPCI, département, région)"),
        ("nsp", "Ne sait pas"),
        exclusive=("nsp",),
    ),
    "budget": _choices(
        ("0", "Aucun budget dédié"),
        ("moins_10k", "Moins de 10 000 €"),
        ("10k_50k", "De 10 000 à 49 999 €"),
        ("50k_200k", "De 50 000 à 199 999 €"),
        ("plus_200k", "200 000 € ou plus"),
        ("nsp", "Ne sait pas"),
    ),
    "satisfaction": _choices(
        ("1", "Pas du tout satisfaisants"),
        ("2", "Peu satisfaisants"),
        ("3", "Assez satisfaisants"),
        ("4", "Très satisfaisants"),
        ("nsp", "Ne sait pas"),
    ),
    "effets": _choices(
        ("temps", "Du temps gagné par les agents"),
        ("qualite", "Un meilleur service rendu aux usagers"),
        ("delais", "Des délais de traitement réduits"),
        ("economies", "Des économies budgétaires"),
        ("erreurs", "Moins d'erreurs"),
        ("aucun", "Aucun effet mesurable à ce jour"),
        ("nsp", "Ne sait pas"),
        exclusive=("aucun", "nsp"),
    ),
    "frequence": _choices(
        ("jamais", "Jamais"),
        ("rarement", "Rarement"),
        ("mensuel", "Plusieurs fois par mois"),
        ("hebdo", "Plusieurs fois par semaine"),
        ("quotidien", "Tous les jours"),
        ("nsp", "Ne sait pas"),
    ),
    "maturite": _choices(
        ("1", "Pas engagé"),
        ("2", "Réflexion en cours"),
        ("3", "Expérimentation"),
        ("4", "Usage courant"),
        ("nsp", "Ne sait pas"),
    ),
    "information": _choices(
        ("site", "Une page du site internet"),
        ("mentions", "Une mention sur les documents ou courriers produits avec l'IA"),
        ("conseil", "Une délibération ou une information en conseil"),
        ("reunion", "Une réunion publique ou un atelier citoyen"),
        ("presse", "Le magazine ou la presse locale"),
        ("aucun", "Aucune information à ce jour"),
        ("nsp", "Ne sait pas"),
        exclusive=("aucun", "nsp"),
    ),
    "formation": _choices(
        ("cnfpt", "Formations du CNFPT"),
        ("interne", "Formations internes ou ateliers entre agents"),
        ("prestataire", "Formations d'un prestataire ou d'un éditeur"),
        ("autoformation", "Autoformation (MOOC, tutoriels)"),
        ("aucune", "Aucune formation à ce jour"),
        ("nsp", "Ne sait pas"),
        exclusive=("aucune", "nsp"),
    ),
    "metiers": _choices(
        ("accueil", "Accueil et secrétariat"),
        ("gestion", "Gestion administrative et financière"),
        ("instruction", "Instruction de dossiers (urbanisme, aides, état civil)"),
        ("communication", "Communication"),
        ("technique", "Métiers techniques"),
        ("social", "Travail social"),
        ("informatique", "Informatique et numérique"),
        ("aucun", "Aucun métier concerné à ce jour"),
        ("nsp", "Ne sait pas"),
        exclusive=("aucun", "nsp"),
    ),
    "role_repondant": _choices(
        ("elu", "Élu ou élue"),
        ("dgs", "Direction générale"),
        ("dsi", "Direction du numérique ou des systèmes d'information"),
        ("dpd", "Délégué à la protection des données"),
        ("autre_agent", "Autre agent"),
    ),
    "accord": _choices(
        ("1", "Pas du tout d'accord"),
        ("2", "Plutôt pas d'accord"),
        ("3", "Plutôt d'accord"),
        ("4", "Tout à fait d'accord"),
        ("nsp", "Ne sait pas"),
    ),
}

RESPONDENT = {
    "kind": "section",
    "key": "repondant",
    "label": "Vous et votre collectivité",
    "description": "Quelques informations pour situer les réponses. Le nom de la collectivité est déjà connu.",
    "items": [
        _q(
            "role_repondant",
            "select_one",
            "Quelle est votre fonction ?",
            choices="role_repondant",
            required=True,
            other={"code": "autre", "key": "role_repondant_autre"},
        ),
        _q(
            "agents_total",
            "integer",
            "Combien d'agents votre collectivité emploie-t-elle (équivalents temps plein) ?",
            min=0,
            max=200000,
            unit="ETP",
            dont_know=True,
        ),
        _q(
            "competence_numerique",
            "yes_no",
            "Votre EPCI exerce-t-il une compétence ou un service commun numérique pour ses communes membres ?",
            relevant=IS_EPCI,
        ),
        _q(
            "communes_accompagnees",
            "integer",
            "Combien de communes membres ce service accompagne-t-il sur des projets d'IA ?",
            relevant={"op": "and", "args": [IS_EPCI, _eq("competence_numerique", "oui")]},
            min=0,
            max=1000,
            dont_know=True,
        ),
    ],
}

POLICIES = {
    "kind": "section",
    "key": "axe_politiques",
    "label": "Axe 1 — L'IA dans les politiques publiques",
    "description": "Les usages de l'IA au service des politiques de votre collectivité, ses outils, ses moyens et ses résultats.",
    "items": [
        _q(
            "usage_ia",
            "yes_no",
            "Votre collectivité utilise-t-elle aujourd'hui au moins un outil d'intelligence artificielle, même à titre d'essai ?",
            required=True,
            hint="Y compris les fonctions d'IA intégrées à des logiciels que vous utilisez déjà.",
        ),
        _q(
            "projet_ia",
            "yes_no",
            "Un projet d'IA est-il prévu dans les douze prochains mois ?",
            relevant={"op": "neq", "args": [{"var": "usage_ia"}, "oui"]},
        ),
        _q(
            "freins",
            "select_multiple",
            "Qu'est-ce qui freine le recours à l'IA dans votre collectivité ?",
            choices="freins",
            relevant={"op": "neq", "args": [{"var": "usage_ia"}, "oui"]},
            max=3,
            hint="Trois réponses au plus.",
            other={"code": "autre", "key": "freins_autre"},
        ),
        _q(
            "domaines",
            "select_multiple",
            "Dans quels domaines l'IA est-elle utilisée ?",
            choices="domaines",
            relevant=USES_AI,
            min=1,
            required=True,
        ),
        _q(
            "outils",
            "select_multiple",
            "Quels types d'outils d'IA sont utilisés ?",
            choices="outils",
            relevant=USES_AI,
            min=1,
            other={"code": "autre", "key": "outils_autre"},
        ),
        _q(
            "nb_projets",
            "integer",
            "Combien de projets ou d'outils d'IA sont en service ou en expérimentation ?",
            relevant=USES_AI,
            min=0,
            max=500,
            dont_know=True,
            constraint={"op": "gte", "args": [{"var": "nb_projets"}, 1]},
            constraint_message="Vous avez indiqué utiliser l'IA : comptez au moins un projet.",
        ),
        _q(
            "premier_usage",
            "date",
            "Depuis quand votre collectivité utilise-t-elle l'IA (date approximative) ?",
            relevant=USES_AI,
            constraint={"op": "gte", "args": [{"var": "premier_usage"}, "2010-01-01"]},
            constraint_message="Indiquez une date postérieure au 1er janvier 2010.",
        ),
        _q(
            "acquisition",
            "select_multiple",
            "Comment ces outils ont-ils été obtenus ?",
            choices="acquisition",
            relevant=USES_AI,
        ),
        _q(
            "budget",
            "select_one",
            "Quel budget annuel est consacré à l'IA (acquisition, abonnements, prestations) ?",
            choices="budget",
            relevant=USES_AI,
        ),
        _q(
            "budget_montant",
            "decimal",
            "Si vous le connaissez, montant exact de ce budget annuel",
            unit="k€",
            min=0,
            max=100000,
            relevant={
                "op": "and",
                "args": [USES_AI, {"op": "neq", "args": [{"var": "budget"}, "nsp"]}],
            },
        ),
        _q(
            "mutualisation",
            "yes_no",
            "Ces outils sont-ils partagés avec d'autres collectivités (mutualisation) ?",
            relevant=USES_AI,
        ),
        _q(
            "mutualisation_communes",
            "yes_no",
            "L'EPCI met-il ces outils à disposition de ses communes membres ?",
            relevant={"op": "and", "args": [USES_AI, IS_EPCI]},
        ),
        _q(
            "maturite_domaines",
            "matrix",
            "Où en est votre collectivité dans chacun de ces domaines ?",
            choices="maturite",
            relevant=USES_AI,
            rows=[
                {"code": "relation_usagers", "label": "Relation aux usagers"},
                {"code": "gestion_interne", "label": "Gestion interne"},
                {"code": "territoire", "label": "Gestion du territoire (voirie, eau, énergie)"},
                {"code": "decision", "label": "Aide à la décision et pilotage"},
            ],
        ),
        _q(
            "resultats",
            "select_one",
            "Les résultats obtenus sont-ils, dans l'ensemble :",
            choices="satisfaction",
            relevant=USES_AI,
        ),
        _q(
            "effets",
            "select_multiple",
            "Quels effets avez-vous constatés ?",
            choices="effets",
            relevant=USES_AI,
        ),
        _q(
            "evaluation",
            "yes_no",
            "Les outils d'IA font-ils l'objet d'une évaluation formalisée (indicateurs, bilan) ?",
            relevant=USES_AI,
        ),
        _q("abandon", "yes_no", "Avez-vous abandonné un projet d'IA ?", relevant=USES_AI),
        _q(
            "abandon_raison",
            "textarea",
            "Pour quelles raisons ce projet a-t-il été abandonné ?",
            relevant={"op": "and", "args": [USES_AI, _eq("abandon", "oui")]},
            max_length=1500,
        ),
        _q(
            "exemple",
            "textarea",
            "Décrivez en quelques lignes l'usage de l'IA dont vous êtes le plus satisfait",
            relevant=USES_AI,
            max_length=2000,
            hint="Il pourra nourrir la bibliothèque d'IA territorialisées, si vous le souhaitez.",
        ),
    ],
}

PUBLIC_LIFE = {
    "kind": "section",
    "key": "axe_vie_publique",
    "label": "Axe 2 — L'IA et la vie publique",
    "description": "Données personnelles, transparence, information des habitants et débat public.",
    "items": [
        _q(
            "dpd",
            "yes_no",
            "Votre collectivité a-t-elle désigné un délégué à la protection des données (DPD) ?",
            required=True,
        ),
        _q(
            "dpd_mutualise",
            "yes_no",
            "Ce délégué est-il mutualisé avec d'autres collectivités ?",
            relevant=_eq("dpd", "oui"),
        ),
        _q(
            "dpd_associe",
            "select_one",
            "Le délégué à la protection des données est-il associé aux projets d'IA ?",
            choices="frequence",
            relevant={"op": "and", "args": [USES_AI, _eq("dpd", "oui")]},
        ),
        _q(
            "donnees_personnelles",
            "yes_no",
            "Des outils d'IA traitent-ils des données personnelles d'usagers ou d'agents ?",
            relevant=USES_AI,
        ),
        _q(
            "aipd",
            "yes_no",
            "Une analyse d'impact relative à la protection des données (AIPD) a-t-elle été menée ?",
            relevant={"op": "and", "args": [USES_AI, _eq("donnees_personnelles", "oui")]},
        ),
        _q(
            "hebergement",
            "select_one",
            "Où sont principalement traitées les données confiées aux outils d'IA ?",
            choices="hebergement",
            relevant=USES_AI,
        ),
        _q(
            "registre",
            "yes_no",
            "Les algorithmes utilisés pour des décisions individuelles sont-ils recensés et publiés (article L. 312-1-3 du CRPA) ?",
            relevant=USES_AI,
        ),
        _q(
            "information_habitants",
            "select_multiple",
            "Comment les habitants sont-ils informés de l'usage de l'IA ?",
            choices="information",
            relevant=USES_AI,
        ),
        _q(
            "debat_public",
            "yes_no",
            "L'usage de l'IA a-t-il fait l'objet d'un débat en conseil ou d'une concertation avec les habitants ?",
        ),
        _q(
            "confiance",
            "scale",
            "Selon vous, quel est le niveau de confiance des habitants envers l'usage de l'IA par la collectivité ?",
            min_label="Très faible",
            max_label="Très élevé",
            dont_know=True,
        ),
        _q(
            "principes",
            "matrix",
            "Êtes-vous d'accord avec les affirmations suivantes ?",
            choices="accord",
            rows=[
                {
                    "code": "humain",
                    "label": "Une décision concernant un usager doit toujours être prise par un agent",
                },
                {
                    "code": "transparence",
                    "label": "Les habitants doivent savoir quand un texte a été rédigé avec l'IA",
                },
                {
                    "code": "souverainete",
                    "label": "Les données publiques doivent rester hébergées en France ou en Europe",
                },
                {
                    "code": "sobriete",
                    "label": "L'impact environnemental de l'IA doit peser dans les choix",
                },
            ],
        ),
    ],
}

JOBS = {
    "kind": "section",
    "key": "axe_metiers",
    "label": "Axe 3 — L'IA et les métiers de la fonction publique territoriale",
    "description": "Usages des agents, cadre d'emploi des outils, formation et métiers concernés.",
    "items": [
        _q(
            "usage_agents",
            "select_one",
            "À votre connaissance, des agents utilisent-ils des outils d'IA générative dans leur travail ?",
            choices="frequence",
            required=True,
            hint="Y compris avec des comptes personnels ou des services gratuits.",
        ),
        _q(
            "outils_fournis",
            "yes_no",
            "La collectivité fournit-elle aux agents un outil d'IA générative encadré ?",
            relevant={
                "op": "or",
                "args": [
                    {
                        "op": "not",
                        "args": [
                            {"op": "in", "args": [{"var": "usage_agents"}, ["jamais", "nsp"]]}
                        ],
                    },
                    HAS_GENERATIVE,
                ],
            },
        ),
        _q(
            "part_agents",
            "decimal",
            "Quelle part des agents utilise ces outils au moins une fois par mois ?",
            unit="%",
            min=0,
            max=100,
            dont_know=True,
            relevant={
                "op": "in",
                "args": [{"var": "usage_agents"}, ["mensuel", "hebdo", "quotidien"]],
            },
        ),
        _q(
            "charte",
            "yes_no",
            "La collectivité a-t-elle adopté une charte ou des règles d'usage de l'IA pour ses agents ?",
            required=True,
        ),
        _q("charte_date", "date", "Date d'adoption de cette charte", relevant=_eq("charte", "oui")),
        _q(
            "charte_contenu",
            "select_multiple",
            "Que prévoit cette charte ?",
            choices="charte",
            relevant=_eq("charte", "oui"),
        ),
        _q(
            "formation",
            "select_multiple",
            "Quelles formations à l'IA les agents ont-ils suivies ?",
            choices="formation",
        ),
        _q(
            "agents_formes",
            "integer",
            "Combien d'agents ont suivi une formation à l'IA depuis un an ?",
            min=0,
            max=200000,
            dont_know=True,
            relevant={
                "op": "not",
                "args": [{"op": "includes_any", "args": [{"var": "formation"}, ["aucune", "nsp"]]}],
            },
        ),
        _q(
            "besoin_formation",
            "scale",
            "Quel est le besoin de formation des agents à l'IA ?",
            min_label="Aucun besoin",
            max_label="Besoin très important",
        ),
        _q(
            "metiers_concernes",
            "select_multiple",
            "Quels métiers sont déjà transformés par l'IA ?",
            choices="metiers",
        ),
        _q(
            "dialogue_social",
            "yes_no",
            "L'IA a-t-elle été abordée avec les représentants du personnel (comité social territorial) ?",
        ),
        _q(
            "postes",
            "select_one",
            "L'IA a-t-elle conduit à modifier des fiches de poste ou des organisations de travail ?",
            choices="postes",
        ),
        _q(
            "competences_internes",
            "yes_no",
            "La collectivité dispose-t-elle de compétences internes en données ou en IA ?",
        ),
        _q(
            "recrutement",
            "yes_no",
            "Un recrutement sur ces compétences est-il prévu ?",
            relevant={"op": "neq", "args": [{"var": "competences_internes"}, "oui"]},
        ),
        _q(
            "attentes",
            "select_multiple",
            "Qu'attendez-vous en priorité du plan « Les intelligences associées des territoires » ?",
            choices="attentes",
            max=3,
            hint="Trois réponses au plus.",
            required=True,
        ),
        _q("commentaire", "textarea", "Souhaitez-vous ajouter un commentaire ?", max_length=3000),
    ],
}

CHOICE_LISTS.update(
    {
        "freins": _choices(
            ("competences", "Le manque de compétences internes"),
            ("cout", "Le coût"),
            ("donnees", "La qualité ou la disponibilité des données"),
            ("juridique", "Les incertitudes juridiques (RGPD, règlement européen sur l'IA)"),
            ("ethique", "Des réserves éthiques"),
            ("priorite", "Ce n'est pas une priorité"),
            ("nsp", "Ne sait pas"),
            exclusive=("nsp",),
        ),
        "hebergement": _choices(
            ("france", "En France"),
            ("ue", "Dans l'Union européenne, hors de France"),
            ("hors_ue", "Hors de l'Union européenne"),
            ("nsp", "Ne sait pas"),
        ),
        "charte": _choices(
            ("outils_autorises", "La liste des outils autorisés"),
            ("donnees_interdites", "Les données à ne jamais saisir"),
            ("relecture", "La relecture humaine des contenus produits"),
            ("mention", "La mention de l'usage de l'IA"),
            ("environnement", "La sobriété environnementale"),
            ("nsp", "Ne sait pas"),
            exclusive=("nsp",),
        ),
        "postes": _choices(
            ("non", "Non"),
            ("fiches", "Oui, des fiches de poste ont évolué"),
            ("organisation", "Oui, l'organisation d'un service a changé"),
            ("les_deux", "Oui, les deux"),
            ("nsp", "Ne sait pas"),
        ),
        "attentes": _choices(
            ("retours", "Des retours d'expérience d'autres collectivités"),
            ("outils", "Des outils mutualisés ou des achats groupés"),
            ("formation", "Des formations pour les agents et les élus"),
            ("juridique", "Un accompagnement juridique"),
            ("financement", "Des financements"),
            ("ethique", "Un cadre éthique partagé"),
        ),
    }
)

DEFINITION: Json = {
    "key": "observatoire_ia",
    "version": "2026.1",
    "title": "Observatoire des usages de l'IA dans les collectivités",
    "description": (
        "Ce questionnaire est adressé aux communes, intercommunalités, départements et régions "
        "dans le cadre du plan « Les intelligences associées des territoires ». Vos réponses "
        "s'enregistrent au fil de la saisie : plusieurs agents peuvent y répondre ensemble, et "
        "vous pouvez les modifier jusqu'à la clôture de la campagne. Seuls des résultats agrégés "
        "sont publiés."
    ),
    "choice_lists": CHOICE_LISTS,
    "items": [
        RESPONDENT,
        POLICIES,
        PUBLIC_LIFE,
        JOBS,
        {
            "kind": "note",
            "key": "merci",
            "label": "Merci ! Pensez à envoyer vos réponses : vous recevrez une copie par courriel.",
        },
    ],
}
