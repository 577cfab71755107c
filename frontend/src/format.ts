/** French formatting of dates and counts. Times are shown in Europe/Paris. */

const DAY = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const DAY_PARIS = new Intl.DateTimeFormat("fr-FR", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/Paris",
});

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date ("2026-01-15") or a timestamp as a French date ("15 janvier 2026");
 * text that is not a date is returned unchanged.
 */
export function formatDate(value: string): string {
  if (DATE_ONLY.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? value : DAY.format(date);
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : DAY_PARIS.format(date);
}

const DAY_ONLY = new Intl.DateTimeFormat("fr-FR", { day: "numeric", timeZone: "UTC" });
const DAY_MONTH = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", timeZone: "UTC" });

/** The start of a period, as short as the end allows: "11" (juillet 2027), "11 juin" (2027). */
function formatStart(start: string, end: string): string {
  if (!DATE_ONLY.test(start) || !DATE_ONLY.test(end)) return formatDate(start);
  const from = new Date(`${start}T00:00:00Z`);
  if (Number.isNaN(from.getTime())) return start;
  if (start.slice(0, 7) === end.slice(0, 7)) return DAY_ONLY.format(from);
  if (start.slice(0, 4) === end.slice(0, 4)) return DAY_MONTH.format(from);
  return DAY.format(from);
}

/** "du 11 au 20 juillet 2027", or a single date, or "" when neither is known. */
export function formatPeriod(start: string | null, end: string | null): string {
  if (start && end && start !== end) {
    return `du ${formatStart(start, end)} au ${formatDate(end)}`;
  }
  if (start) return `le ${formatDate(start)}`;
  if (end) return `jusqu'au ${formatDate(end)}`;
  return "";
}

const NUMBER = new Intl.NumberFormat("fr-FR");

/** "0 cas d'usage", "1 campagne", "3 campagnes": French uses the singular for 0 and 1. */
export function count(n: number, singular: string, plural: string): string {
  return `${NUMBER.format(n)} ${n > 1 ? plural : singular}`;
}

const CAMPAIGN_STATUS: Readonly<Record<string, string>> = {
  open: "Ouverte",
  closed: "Clôturée",
  upcoming: "À venir",
};

export function campaignStatusLabel(status: string): string {
  return CAMPAIGN_STATUS[status] ?? status;
}
