"""The judged queries of the relevance benchmark (bench/bench_search_relevance.py).

Written as agents of local authorities would type them (trade words, vocabulary labels, place
names, synonyms, typos, acronyms, short phrases), each with the demo fiches (slugs) that answer
it, judged on what the fiches are about, not on what the engine returns.
"""

from __future__ import annotations

from typing import Final

from services.catalogue.demo_data import DEMO_FICHES


def coded(**codes: str) -> str:
    """The published demo fiches with these codes (a label query is answered by all of them)."""
    return " ".join(
        f.slug
        for f in DEMO_FICHES
        if f.published and all(getattr(f, name) == code for name, code in codes.items())
    )


JUDGED: Final[tuple[tuple[str, frozenset[str]], ...]] = tuple(
    (query, frozenset(slugs.split()))
    for query, slugs in (
        # the examples of issue 19
        ("déchets", "depots-sauvages-paris"),
        (
            "vision par ordinateur",
            "depots-sauvages-paris ilots-chaleur-grenoble feux-foret-var ocr-etat-civil-dijon"
            " erosion-littoral-brest",
        ),
        (
            "haut risque",
            "instruction-rsa-nord feux-circulation-toulouse ecoute-sonore-saint-etienne"
            " orientation-formation-pays-de-la-loire fraude-aides-seine-saint-denis",
        ),
        (
            "environnement",
            "vehicules-electriques-bordeaux ilots-chaleur-grenoble arrosage-parcs-angers",
        ),
        ("police municipale", "ecoute-sonore-saint-etienne feux-foret-var"),
        (
            "machine learning",
            "frequentation-piscines-rennes fuites-reseau-eau-montpellier instruction-rsa-nord"
            " stationnement-nice arrosage-parcs-angers orientation-formation-pays-de-la-loire"
            " bibliotheques-niort fraude-aides-seine-saint-denis",
        ),
        (
            "article 50",
            "redaction-deliberations-nantes orientation-aides-gironde chatbot-lycees-ile-de-france"
            " accueil-telephonique-noisy",
        ),
        ("fraude sociale", "fraude-aides-seine-saint-denis"),
        ("optimisation des tournées", "aide-domicile-lot transport-demande-mulhouse"),
        ("piscnes", "frequentation-piscines-rennes"),
        # trade words
        ("piscine", "frequentation-piscines-rennes"),
        ("courrier", "tri-courriers-entrants-lyon"),
        ("dépôts sauvages", "depots-sauvages-paris"),
        ("fuites d'eau", "fuites-reseau-eau-montpellier"),
        ("eau potable", "fuites-reseau-eau-montpellier"),
        ("délibérations", "redaction-deliberations-nantes"),
        ("compte rendu conseil municipal", "transcription-conseils-strasbourg"),
        ("aides sociales", "orientation-aides-gironde fraude-aides-seine-saint-denis"),
        ("bornes de recharge", "vehicules-electriques-bordeaux"),
        ("véhicules électriques", "vehicules-electriques-bordeaux"),
        ("lycée", "chatbot-lycees-ile-de-france"),
        ("stationnement", "stationnement-nice"),
        ("parking", "stationnement-nice"),
        ("feux tricolores", "feux-circulation-toulouse"),
        ("trafic routier", "feux-circulation-toulouse"),
        ("îlots de chaleur", "ilots-chaleur-grenoble"),
        ("inventaire des algorithmes", "algorithmes-publics-la-rochelle"),
        ("cantine", "tarification-cantine-antibes"),
        ("quotient familial", "tarification-cantine-antibes"),
        ("capteurs sonores", "ecoute-sonore-saint-etienne"),
        ("incendies de forêt", "feux-foret-var"),
        ("accueil téléphonique", "accueil-telephonique-noisy"),
        ("subventions associations", "subventions-associations-bretagne"),
        ("marchés publics", "marches-publics-occitanie"),
        ("analyse des offres", "marches-publics-occitanie"),
        ("arrosage espaces verts", "arrosage-parcs-angers"),
        ("état civil", "ocr-etat-civil-dijon"),
        ("archives numérisation", "ocr-etat-civil-dijon"),
        ("transport à la demande", "transport-demande-mulhouse"),
        ("aide à domicile", "aide-domicile-lot"),
        ("personnes âgées", "aide-domicile-lot"),
        ("signalements voirie", "signalements-voirie-vannes"),
        ("factures fournisseurs", "factures-grand-poitiers"),
        ("formation professionnelle", "orientation-formation-pays-de-la-loire"),
        ("médiathèque", "bibliotheques-niort"),
        ("recommandation de livres", "bibliotheques-niort"),
        ("érosion du littoral", "erosion-littoral-brest"),
        ("permis de construire", "urbanisme-annecy"),
        ("RSA", "instruction-rsa-nord"),
        ("revenu de solidarité active", "instruction-rsa-nord"),
        # vocabulary labels
        (
            "relation usager",
            coded(domain="relation_usager") + " " + coded(application_type="relation_usager"),
        ),
        ("planification et optimisation", coded(ai_technology="optimisation")),
        ("risque minimal", coded(ai_act_class="risque_minimal")),
        ("robotique RPA", "factures-grand-poitiers"),
        ("audio et parole", coded(ai_technology="audio")),
        ("aide à l'instruction", coded(application_type="aide_instruction")),
        ("en production", coded(project_status="en_production")),
        ("suspendu", "fraude-aides-seine-saint-denis"),
        ("arrêté", "ecoute-sonore-saint-etienne"),
        ("services essentiels", "instruction-rsa-nord fraude-aides-seine-saint-denis"),
        ("infrastructures critiques", "feux-circulation-toulouse ecoute-sonore-saint-etienne"),
        # place names and authorities
        (
            "Bretagne",
            "frequentation-piscines-rennes subventions-associations-bretagne signalements-voirie-vannes erosion-littoral-brest",
        ),
        ("Alpes-Maritimes", "stationnement-nice tarification-cantine-antibes"),
        ("Gironde", "orientation-aides-gironde vehicules-electriques-bordeaux"),
        ("Lyon", "tri-courriers-entrants-lyon"),
        ("Strasbourg", "transcription-conseils-strasbourg"),
        ("Seine-Saint-Denis", "fraude-aides-seine-saint-denis accueil-telephonique-noisy"),
        (
            "Occitanie",
            "marches-publics-occitanie fuites-reseau-eau-montpellier feux-circulation-toulouse aide-domicile-lot",
        ),
        # synonyms and acronyms
        (
            "chatbot",
            "orientation-aides-gironde chatbot-lycees-ile-de-france accueil-telephonique-noisy",
        ),
        (
            "agent conversationnel",
            "orientation-aides-gironde chatbot-lycees-ile-de-france accueil-telephonique-noisy",
        ),
        ("callbot", "accueil-telephonique-noisy"),
        ("IA générative", coded(ai_technology="ia_generative")),
        ("ChatGPT", coded(ai_technology="ia_generative")),
        ("LLM rédaction", "redaction-deliberations-nantes assistant-agents-issy"),
        ("OCR", "ocr-etat-civil-dijon"),
        ("reconnaissance de caractères", "ocr-etat-civil-dijon"),
        ("apprentissage automatique prévision", "frequentation-piscines-rennes stationnement-nice"),
        ("analyse d'images", coded(ai_technology="vision")),
        (
            "NLP",
            "tri-courriers-entrants-lyon signalements-voirie-vannes subventions-associations-bretagne urbanisme-annecy",
        ),
        ("GRC", "tri-courriers-entrants-lyon signalements-voirie-vannes"),
        ("reconnaissance vocale", "transcription-conseils-strasbourg accueil-telephonique-noisy"),
        ("bibliothèque", "bibliotheques-niort"),
        ("drones", "erosion-littoral-brest"),
        ("satellite", "ilots-chaleur-grenoble"),
        # typos
        ("dechet", "depots-sauvages-paris"),
        ("stationnemnet", "stationnement-nice"),
        ("médiatèque", "bibliotheques-niort"),
        ("transcripton", "transcription-conseils-strasbourg"),
        ("subvetions", "subventions-associations-bretagne"),
        # phrases of several words
        ("prévoir la fréquentation des équipements sportifs", "frequentation-piscines-rennes"),
        ("détecter les fuites du réseau", "fuites-reseau-eau-montpellier"),
        ("contrôle des aides discrimination", "fraude-aides-seine-saint-denis"),
        ("assistant pour les agents", "assistant-agents-issy"),
    )
)
