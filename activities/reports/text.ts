/**
 * The words and formats of the service report (PDF and CSV): labels from `locales/<lang>/report.json`, numbers and
 * dates through Intl in the report's language and the customer's time zone.
 */
import { localDateTime } from '../../domain/calendar';
import type { Language } from '../../domain/languages';
import { parseMonth, type Compliance } from '../../domain/service-report';
// Imported rather than read at run time: the compiler checks that Slovak has every English key.
import en from '../../locales/en/report.json';
import sk from '../../locales/sk/report.json';

export type ReportKey = keyof typeof en;
const MESSAGES: Record<Language, Record<ReportKey, string>> = { en, sk };
const LOCALE_TAG: Record<Language, string> = { en: 'en-GB', sk: 'sk-SK' };

/** What the report prints where nothing was measured. */
export const NOTHING = '—';
/** Keeps a number and its unit on one line. */
const NBSP = '\u00a0';
const MINUTE_MS = 60_000;

/** User-written text on one line: control characters and line breaks become spaces. */
export const oneLine = (s: string): string => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();

export type ReportText = ReturnType<typeof reportText>;

export function reportText(language: Language, timeZone: string) {
  const messages = MESSAGES[language];
  const tag = LOCALE_TAG[language];
  const t = (key: ReportKey, vars: Record<string, string | number> = {}): string =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  const oneDecimal = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const instant = new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'short', timeStyle: 'short' });
  const longInstant = new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const localDay = new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium' });
  // Calendar dates (YYYY-MM-DD) and months name a day, not an instant: read and written in UTC so no zone shifts them.
  const calendarDay = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', dateStyle: 'medium' });
  const monthYear = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', month: 'long', year: 'numeric' });
  const monthShort = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', month: 'short' });
  const midMonth = (month: string) => {
    const { year, month: m } = parseMonth(month);
    return new Date(Date.UTC(year, m - 1, 15));
  };
  const unit = (n: number, key: 'serviceReport.unit.day' | 'serviceReport.unit.hour' | 'serviceReport.unit.minute') => (n ? `${n}${NBSP}${t(key)}` : '');
  const parts = (...p: string[]) => p.filter(Boolean).join(' ');
  /** Met share to one decimal; never rounded to 100 % while anything was breached, nor to 0 % while anything was met. */
  const percent = (c: Compliance): string => {
    const total = c.met + c.breached;
    if (total === 0) return NOTHING;
    const tenths = Math.min(c.breached ? 999 : 1000, Math.max(c.met ? 1 : 0, Math.round((c.met * 1000) / total)));
    return `${oneDecimal.format(tenths / 10)}${NBSP}%`;
  };

  return {
    language,
    timeZone,
    t,
    integer: (n: number) => integer.format(n),
    decimal: (n: number | null) => (n === null ? NOTHING : oneDecimal.format(n)),
    percent,
    /** "87.5 % (7/8)": the share and what it was measured on. */
    percentOf: (c: Compliance): string => (c.met + c.breached === 0 ? NOTHING : `${percent(c)} (${c.met}/${c.met + c.breached})`),
    instant: (iso: string) => instant.format(new Date(iso)),
    longInstant: (iso: string) => longInstant.format(new Date(iso)),
    /** A local day range from an instant to the instant just before `endExclusive`. */
    localDays: (start: string, endExclusive: string) => `${localDay.format(new Date(start))} – ${localDay.format(new Date(Date.parse(endExclusive) - 1))}`,
    /** A calendar date; an instant is shown as its day in the customer's zone. */
    day: (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? calendarDay.format(new Date(`${d}T00:00:00Z`)) : localDay.format(new Date(d))),
    month: (month: string) => monthYear.format(midMonth(month)),
    monthShort: (month: string) => monthShort.format(midMonth(month)),
    /** Wall-clock lateness: days and hours, or hours and minutes under a day ("1 d 3 h", "2 h 15 min"). */
    late: (ms: number): string => {
      const minutes = Math.floor(ms / MINUTE_MS);
      if (minutes < 1) return t('serviceReport.unit.underAMinute');
      const d = Math.floor(minutes / 1440);
      const h = Math.floor((minutes % 1440) / 60);
      return d ? parts(unit(d, 'serviceReport.unit.day'), unit(h, 'serviceReport.unit.hour')) : parts(unit(h, 'serviceReport.unit.hour'), unit(minutes % 60, 'serviceReport.unit.minute'));
    },
    /** SLA-clock time in hours and minutes: a business "day" is no 24 hours, so no days. */
    clockTime: (ms: number | null): string => {
      if (ms === null) return NOTHING;
      const minutes = Math.floor(ms / MINUTE_MS);
      if (minutes < 1) return t('serviceReport.unit.underAMinute');
      return parts(unit(Math.floor(minutes / 60), 'serviceReport.unit.hour'), unit(minutes % 60, 'serviceReport.unit.minute'));
    },
  };
}

/** ISO 8601 with the customer's UTC offset, e.g. 2026-03-04T09:15:00+01:00: local to read, exact to compute with. */
export function isoInZone(iso: string, timeZone: string): string {
  const at = new Date(iso);
  const l = localDateTime(at, timeZone);
  const offsetMin = Math.round((Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(at.getTime() / 1000) * 1000) / MINUTE_MS);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const off = Math.abs(offsetMin);
  return `${String(l.year).padStart(4, '0')}-${p2(l.month)}-${p2(l.day)}T${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}${sign}${p2(Math.floor(off / 60))}:${p2(off % 60)}`;
}
