/** The fields of a fiche, in the order of the reference's blocks, with their French labels. */

import { CODED_FIELDS } from "./coded-fields";

export type FieldKind = "text" | "textarea" | "code" | "codes" | "boolean" | "list" | "number" | "territory" | "territories" | "month" | "url";

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly hint?: string;
  /** Vocabulary of a coded field (GET /vocabularies). */
  readonly vocabulary?: string;
}

export interface Block {
  readonly id: string;
  readonly title: string;
  readonly fields: readonly FieldSpec[];
}

/** A coded field as services/catalogue/vocabularies.py declares it (through coded-fields.ts). */
function coded(name: string, hint?: string): FieldSpec {
  const field = CODED_FIELDS[name];
  if (!field) throw new Error(`champ codé inconnu : ${name}`);
  const kind: FieldKind = field.kind === "boolean" ? "boolean" : field.kind === "codes" ? "codes" : "code";
  return { name, label: field.label, kind, ...(kind === "boolean" ? {} : { vocabulary: field.vocabulary }), ...(hint ? { hint } : {}) };
}

export const BLOCKS: readonly Block[] = [
  {
    id: "identification",
    title: "Identification",
    fields: [
      { name: "title", label: "Titre", kind: "text", hint: "Commencez par un verbe : « Trier les courriers entrants »." },
      { name: "summary", label: "Résumé", kind: "textarea", hint: "En langage clair, 600 caractères au plus." },
      { name: "description", label: "Description", kind: "textarea", hint: "Le processus, pourquoi une IA, ce qu'elle fait, ses effets, les garde-fous." },
      coded("project_status"),
      { name: "start_date", label: "Début (AAAA-MM)", kind: "month" },
      { name: "end_date", label: "Fin (AAAA-MM)", kind: "month" },
      { name: "keywords", label: "Mots-clés", kind: "list", hint: "Séparés par des virgules." },
      { name: "revision_date", label: "Prochaine révision (AAAA-MM)", kind: "month" },
    ],
  },
  {
    id: "porteur",
    title: "Porteur",
    fields: [
      { name: "local_authority_code", label: "Collectivité porteuse", kind: "territory", hint: "Tapez le nom, puis choisissez dans la liste (SIREN ou code INSEE)." },
      { name: "partner_codes", label: "Collectivités partenaires", kind: "territories", hint: "Codes SIREN ou INSEE séparés par des virgules." },
      { name: "department_service", label: "Direction ou service", kind: "text" },
      { name: "contact_url", label: "Contact public (adresse d'un formulaire ou d'une page)", kind: "url" },
    ],
  },
  {
    id: "usage",
    title: "Cas d'usage",
    fields: [
      coded("domain"),
      coded("application_type"),
      coded("interaction"),
      { name: "goal", label: "Finalité", kind: "textarea" },
      { name: "decision_process", label: "Place dans le processus de décision", kind: "textarea" },
      { name: "previous_process", label: "Processus précédent", kind: "textarea" },
      { name: "alternatives", label: "Alternatives envisagées", kind: "textarea" },
      { name: "expected_benefits", label: "Bénéfices attendus", kind: "textarea" },
      { name: "measured_results", label: "Résultats mesurés", kind: "textarea" },
      { name: "target_public", label: "Public concerné", kind: "text" },
      { name: "yearly_volume", label: "Décisions ou usagers par an", kind: "number" },
    ],
  },
  {
    id: "conformite",
    title: "Conformité",
    fields: [
      coded("individual_decisions"),
      coded("automation_level"),
      { name: "explicit_mention_url", label: "Mention explicite sur les décisions (adresse)", kind: "url" },
      { name: "legal_basis", label: "Fondements juridiques", kind: "textarea" },
      coded("ai_act_class"),
      coded("annex_iii_area"),
      coded("ai_act_role"),
      coded("art50_obligations", "Cochez chaque obligation qui s'applique au système."),
      { name: "fria_done", label: "Analyse d'impact sur les droits fondamentaux réalisée", kind: "boolean" },
      { name: "eu_database_url", label: "Enregistrement dans la base de l'UE (adresse)", kind: "url" },
      coded("personal_data"),
      { name: "processing_register_url", label: "Registre des traitements (adresse)", kind: "url" },
      { name: "impact_assessments", label: "Analyses d'impact (AIPD, FRIA…)", kind: "textarea" },
      { name: "human_oversight", label: "Supervision humaine", kind: "textarea" },
      { name: "recourse", label: "Recours et contestation", kind: "textarea" },
      { name: "risks", label: "Risques et mesures", kind: "textarea" },
      { name: "bias_mitigation", label: "Biais et non-discrimination", kind: "textarea" },
    ],
  },
  {
    id: "technique",
    title: "Technique et données",
    fields: [
      coded("ai_technology"),
      coded("algorithm_type"),
      { name: "models", label: "Modèles", kind: "textarea" },
      { name: "data_sources", label: "Données utilisées", kind: "textarea" },
      coded("hosting"),
      { name: "suppliers", label: "Fournisseurs", kind: "text" },
      coded("acquisition_mode"),
    ],
  },
  {
    id: "reutilisation",
    title: "Réutilisation",
    fields: [
      coded("reusability"),
      { name: "source_code_url", label: "Code source (adresse)", kind: "url" },
      { name: "code_licence", label: "Licence du code", kind: "text" },
      { name: "documents", label: "Documents (logigramme, cahier des charges, prompts…)", kind: "textarea" },
      { name: "cost", label: "Coût", kind: "text" },
      { name: "implementation_duration", label: "Durée de mise en œuvre", kind: "text" },
      { name: "lessons_learned", label: "Retour d'expérience", kind: "textarea" },
      { name: "peer_contact", label: "Accepte d'être contacté par des pairs", kind: "boolean" },
    ],
  },
];

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(BLOCKS.flatMap((block) => block.fields.map((field) => [field.name, field.label]))),
  submitter_email: "Votre adresse électronique",
  local_authority_kind: CODED_FIELDS["local_authority_kind"]?.label ?? "local_authority_kind",
};

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

export const STATUS_LABELS: Readonly<Record<string, string>> = {
  submitted: "En attente de relecture",
  changes_requested: "Modifications demandées",
  published: "Publiée",
  rejected: "Refusée",
  retracted: "Dépubliée",
  archived: "Archivée",
};

export const EVENT_LABELS: Readonly<Record<string, string>> = {
  proposed: "Proposée",
  updated: "Modifiée",
  published: "Publiée",
  changes_requested: "Modifications demandées",
  rejected: "Refusée",
  retracted: "Dépubliée",
  archived: "Archivée",
};
