/**
 * Where each ticket action sits on the agent's ticket page (#14, point 1): the composer (public reply / internal
 * note) or one group of the side panel, with its button style. The one table the page reads: every action of the
 * registry has its place here (a new action without one is a compile error), so no template lists actions itself.
 */
import type { TicketActionName } from '../../domain/ticket/actions';

export const PANEL_GROUPS = ['work', 'waiting', 'defect', 'change', 'close'] as const;
export type PanelGroup = (typeof PANEL_GROUPS)[number];
/** primary: the usual next step; secondary: the rest; destructive: ends or undoes something for the customer. */
export type ButtonStyle = 'primary' | 'secondary' | 'destructive';

/** `forms`: a style for one of the action's forms where it differs (taking a ticket is the usual first step). */
export type PanelPlace = { group: PanelGroup; style: ButtonStyle; forms?: Record<string, ButtonStyle> } | 'composer' | 'customer-only' | 'api-only';

export const DESK_PANEL = {
  triage: { group: 'work', style: 'secondary' },
  assign: { group: 'work', style: 'secondary', forms: { 'assign-me': 'primary' } },
  escalate: { group: 'work', style: 'secondary' },
  'override-priority': { group: 'work', style: 'secondary' },
  'link-incident': { group: 'work', style: 'secondary' },
  'unlink-incident': { group: 'work', style: 'secondary' },
  'record-workaround': { group: 'work', style: 'secondary' },
  merge: { group: 'work', style: 'destructive' },
  'request-info': { group: 'waiting', style: 'primary' },
  'start-reproduction': { group: 'defect', style: 'primary' },
  'confirm-defect': { group: 'defect', style: 'primary' },
  'mark-not-reproducible': { group: 'defect', style: 'secondary' },
  'reject-defect': { group: 'defect', style: 'destructive' },
  'start-fix': { group: 'defect', style: 'primary' },
  'schedule-fix': { group: 'defect', style: 'primary' },
  'confirm-fix': { group: 'defect', style: 'secondary' },
  assess: { group: 'change', style: 'primary' },
  schedule: { group: 'change', style: 'primary' },
  implement: { group: 'change', style: 'primary' },
  resolve: { group: 'close', style: 'primary' },
  reopen: { group: 'close', style: 'secondary' },
  close: { group: 'close', style: 'secondary' },
  cancel: { group: 'close', style: 'destructive' },
  comment: 'composer',
  approve: 'customer-only',
  reject: 'customer-only',
  reply: 'api-only',
} as const satisfies Record<TicketActionName, PanelPlace>;

/** The place of one action's forms on the page. */
export const panelPlace = (action: TicketActionName): PanelPlace => DESK_PANEL[action];

/** The button style of one form of an action in the panel. */
export function buttonStyle(action: TicketActionName, formId: string): ButtonStyle {
  const place: PanelPlace = DESK_PANEL[action];
  return typeof place === 'object' ? (place.forms?.[formId] ?? place.style) : 'secondary';
}

/** The composer's two modes are the comment action's two desk forms (the radio's value is the form's id). */
export const COMPOSER_FORMS = { public: 'comment', internal: 'note' } as const;
export const isComposerForm = (formId: string): boolean => formId === COMPOSER_FORMS.public || formId === COMPOSER_FORMS.internal;
