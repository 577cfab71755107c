// Generated from services/catalogue/vocabularies.py: do not edit.
// python -m services.catalogue.vocabularies > frontend/src/catalogue/coded-fields.ts
// (tests/catalogue/test_vocabularies.py fails when this file drifts.)

export type CodedKind = "code" | "codes" | "boolean" | "derived";

export interface CodedField {
  readonly kind: CodedKind;
  readonly label: string;
  readonly facet: string;
  readonly vocabulary: string;
}

/** The coded fields of a fiche; codes and their labels come from GET /vocabularies. */
export const CODED_FIELDS: Readonly<Record<string, CodedField>> = {
  "domain": {
    "kind": "code",
    "label": "Domaine fonctionnel",
    "facet": "Domaine",
    "vocabulary": "domain"
  },
  "application_type": {
    "kind": "code",
    "label": "Type d'application",
    "facet": "Type d'application",
    "vocabulary": "application_type"
  },
  "ai_technology": {
    "kind": "code",
    "label": "Technologie d'IA",
    "facet": "Technologie d'IA",
    "vocabulary": "ai_technology"
  },
  "ai_act_class": {
    "kind": "code",
    "label": "Qualification au titre du règlement européen sur l'IA",
    "facet": "Règlement européen sur l'IA",
    "vocabulary": "ai_act_class"
  },
  "project_status": {
    "kind": "code",
    "label": "Statut du projet",
    "facet": "Statut du projet",
    "vocabulary": "project_status"
  },
  "reusability": {
    "kind": "code",
    "label": "Réutilisable ?",
    "facet": "Réutilisation",
    "vocabulary": "reusability"
  },
  "automation_level": {
    "kind": "code",
    "label": "Niveau d'automatisation",
    "facet": "Niveau d'automatisation",
    "vocabulary": "automation_level"
  },
  "personal_data": {
    "kind": "code",
    "label": "Données personnelles",
    "facet": "Données personnelles",
    "vocabulary": "personal_data"
  },
  "interaction": {
    "kind": "code",
    "label": "Interaction",
    "facet": "Interaction",
    "vocabulary": "interaction"
  },
  "algorithm_type": {
    "kind": "code",
    "label": "Type d'algorithme",
    "facet": "Type d'algorithme",
    "vocabulary": "algorithm_type"
  },
  "hosting": {
    "kind": "code",
    "label": "Hébergement",
    "facet": "Hébergement",
    "vocabulary": "hosting"
  },
  "acquisition_mode": {
    "kind": "code",
    "label": "Mode d'acquisition",
    "facet": "Mode d'acquisition",
    "vocabulary": "acquisition_mode"
  },
  "annex_iii_area": {
    "kind": "code",
    "label": "Domaine de l'annexe III (haut risque)",
    "facet": "Annexe III (haut risque)",
    "vocabulary": "annex_iii_area"
  },
  "ai_act_role": {
    "kind": "code",
    "label": "Rôle au titre du règlement",
    "facet": "Rôle (règlement IA)",
    "vocabulary": "ai_act_role"
  },
  "art50_obligations": {
    "kind": "codes",
    "label": "Obligations de transparence (article 50 du règlement sur l'IA)",
    "facet": "Transparence (art. 50 du règlement IA)",
    "vocabulary": "art50_obligations"
  },
  "local_authority_kind": {
    "kind": "derived",
    "label": "Type de collectivité",
    "facet": "Type de collectivité",
    "vocabulary": "local_authority_kind"
  },
  "individual_decisions": {
    "kind": "boolean",
    "label": "Fonde des décisions individuelles (CRPA L312-1-3)",
    "facet": "Décisions individuelles (CRPA)",
    "vocabulary": "individual_decisions"
  }
};

/** The facets of the search page, in the order shown, with their titles. */
export const FACETS: readonly (readonly [string, string])[] = [
  [
    "domain",
    "Domaine"
  ],
  [
    "ai_technology",
    "Technologie d'IA"
  ],
  [
    "application_type",
    "Type d'application"
  ],
  [
    "ai_act_class",
    "Règlement européen sur l'IA"
  ],
  [
    "art50_obligations",
    "Transparence (art. 50 du règlement IA)"
  ],
  [
    "project_status",
    "Statut du projet"
  ],
  [
    "reusability",
    "Réutilisation"
  ],
  [
    "individual_decisions",
    "Décisions individuelles (CRPA)"
  ],
  [
    "local_authority_kind",
    "Type de collectivité"
  ],
  [
    "region",
    "Région"
  ],
  [
    "departement",
    "Département"
  ],
  [
    "automation_level",
    "Niveau d'automatisation"
  ],
  [
    "personal_data",
    "Données personnelles"
  ],
  [
    "hosting",
    "Hébergement"
  ],
  [
    "interaction",
    "Interaction"
  ],
  [
    "algorithm_type",
    "Type d'algorithme"
  ],
  [
    "acquisition_mode",
    "Mode d'acquisition"
  ],
  [
    "annex_iii_area",
    "Annexe III (haut risque)"
  ],
  [
    "ai_act_role",
    "Rôle (règlement IA)"
  ]
];
