"""The codes of each vocabulary and their French labels (declared in one place with their
fields in `services.catalogue.vocabularies`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

Vocabulary = Mapping[str, str]

PROJECT_STATUS: Final[Vocabulary] = {
    "idee": "Idée",
    "en_conception": "En conception",
    "en_developpement": "En développement",
    "experimentation": "Expérimentation",
    "en_production": "En production",
    "suspendu": "Suspendu",
    "arrete": "Arrêté",
}

DOMAIN: Final[Vocabulary] = {
    "relation_usager": "Relation usager et accueil",
    "action_sociale": "Action sociale et solidarités",
    "education": "Éducation et petite enfance",
    "culture_sport": "Culture, sport et loisirs",
    "voirie_mobilite": "Voirie, transports et mobilité",
    "dechets_proprete": "Déchets et propreté",
    "eau_assainissement": "Eau et assainissement",
    "energie_climat": "Énergie, climat et environnement",
    "urbanisme_habitat": "Urbanisme, habitat et foncier",
    "securite_prevention": "Sécurité, police municipale et secours",
    "sante": "Santé",
    "developpement_economique": "Développement économique et emploi",
    "finances": "Finances et fiscalité",
    "ressources_humaines": "Ressources humaines",
    "administration_generale": "Administration générale et assemblées",
    "numerique_donnees": "Numérique et données",
    "tourisme_attractivite": "Tourisme et attractivité",
    "agriculture_alimentation": "Agriculture et alimentation",
}

APPLICATION_TYPE: Final[Vocabulary] = {
    "relation_usager": "Relation usager (réponse, orientation)",
    "personnalisation": "Personnalisation d'un service",
    "aide_instruction": "Aide à l'instruction de dossiers",
    "controle": "Contrôle et détection",
    "prevision": "Prévision et planification",
    "optimisation": "Optimisation (tournées, réseaux, énergie)",
    "analyse_documentaire": "Analyse et recherche documentaire",
    "redaction": "Aide à la rédaction et synthèse",
    "reconnaissance": "Reconnaissance (images, sons, écriture)",
    "gestion_interne": "Gestion interne",
}

INTERACTION: Final[Vocabulary] = {
    "g2c": "Administration – usagers (G2C)",
    "g2g": "Entre administrations (G2G)",
    "g2b": "Administration – entreprises (G2B)",
    "interne": "Usage interne",
}

AUTOMATION_LEVEL: Final[Vocabulary] = {
    "aucune_decision": "Aucune décision individuelle",
    "aide_decision": "Aide à la décision (un agent décide)",
    "entierement_automatisee": "Décision entièrement automatisée",
}

AI_ACT_CLASS: Final[Vocabulary] = {
    "hors_champ": "Hors champ (pas un système d'IA)",
    "risque_minimal": "Risque minimal",
    "transparence_art50": "Obligations de transparence (art. 50)",
    "haut_risque": "Haut risque (art. 6 et annexe III)",
    "interdit": "Pratique interdite (art. 5)",
}

AI_ACT_ROLE: Final[Vocabulary] = {
    "deployeur": "Déployeur",
    "fournisseur": "Fournisseur",
    "deployeur_et_fournisseur": "Déployeur et fournisseur",
}

ANNEX_III_AREA: Final[Vocabulary] = {
    "biometrie": "1. Biométrie",
    "infrastructures_critiques": "2. Infrastructures critiques",
    "education_formation": "3. Éducation et formation",
    "emploi": "4. Emploi et gestion des travailleurs",
    "services_essentiels": "5. Services et prestations essentiels",
    "repression": "6. Répression",
    "migration": "7. Migration, asile, contrôle aux frontières",
    "justice_democratie": "8. Justice et processus démocratiques",
}

ART50_OBLIGATION: Final[Vocabulary] = {
    "information_agent_conversationnel": "Informer qu'on échange avec une IA",
    "marquage_contenu_synthetique": "Marquer les contenus générés",
    "information_reconnaissance_emotions": "Informer d'une reconnaissance des émotions",
    "hypertrucage": "Signaler un hypertrucage",
    "texte_information_public": "Texte généré informant le public",
}

PERSONAL_DATA: Final[Vocabulary] = {
    "aucune": "Aucune donnée personnelle",
    "pseudonymisees": "Données pseudonymisées",
    "identifiantes": "Données identifiantes",
}

AI_TECHNOLOGY: Final[Vocabulary] = {
    "apprentissage_automatique": "Apprentissage automatique",
    "vision": "Vision par ordinateur",
    "tal": "Traitement automatique du langage",
    "ia_generative": "IA générative (LLM)",
    "audio": "Audio et parole",
    "optimisation": "Planification et optimisation",
    "regles": "Système à base de règles",
    "robotique_rpa": "Robotique et automatisation (RPA)",
}

ALGORITHM_TYPE: Final[Vocabulary] = {
    "regles": "Règles explicites",
    "apprentissage": "Apprentissage",
    "hybride": "Hybride",
}

HOSTING: Final[Vocabulary] = {
    "sur_site": "Sur site (serveurs de la collectivité)",
    "secnumcloud": "Cloud qualifié SecNumCloud",
    "cloud_ue": "Cloud dans l'Union européenne",
    "hors_ue": "Hors Union européenne",
    "saas": "Logiciel en ligne (SaaS)",
}

ACQUISITION_MODE: Final[Vocabulary] = {
    "marche_public": "Marché public",
    "ugap": "Centrale d'achat (UGAP…)",
    "convention": "Convention ou partenariat",
    "subvention": "Subvention ou appel à projets",
    "interne": "Développement interne",
}

REUSABILITY: Final[Vocabulary] = {
    "oui_tel_quel": "Réutilisable tel quel",
    "oui_avec_adaptation": "Réutilisable avec adaptation",
    "retour_experience_seulement": "Retour d'expérience seulement",
}

# The kind of the porteur, derived from the territories reference (not typed by people).
LOCAL_AUTHORITY_KIND: Final[Vocabulary] = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "ept": "Établissement public territorial",
    "departement": "Département",
    "region": "Région",
}

# Whether the fiche founds individual decisions (CRPA L312-1-3), as a facet of the search.
INDIVIDUAL_DECISIONS: Final[Vocabulary] = {
    "oui": "Fonde des décisions individuelles",
    "non": "Ne fonde pas de décision individuelle",
}
