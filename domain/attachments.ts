/**
 * Attachments as the ticket's rules see them: the reference an event carries (the bytes live in storage, see
 * activities/attachments), the input field actions take, and the limits. An attachment is visible exactly where the
 * event that carries it is visible (SPEC §3): an internal note's file never reaches a customer.
 */
import { z } from 'zod';
import { uuid } from './text';

/** What an event records of each file it carries. */
export const attachmentRef = () =>
  z.object({
    id: z.string(),
    name: z.string(),
    size: z.number(),
    contentType: z.string(),
  });
export type AttachmentRef = z.output<ReturnType<typeof attachmentRef>>;

/** Files one action (a reply, a note, a new ticket, a mail) may carry. */
export const MAX_FILES_PER_EVENT = 10;

/**
 * The input field of actions that carry files: ids of files uploaded for this ticket by the same person and not yet
 * on any event. The API looks them up (lookup kind `attachments`) and the workflow receives their references.
 */
export const attachmentIds = () =>
  z
    .array(uuid())
    .max(MAX_FILES_PER_EVENT, `at most ${MAX_FILES_PER_EVENT} files at once`)
    .refine((l) => new Set(l).size === l.length, 'must not name a file twice')
    .optional()
    .meta({ description: 'ids of files uploaded for this ticket and not yet on an event', uniqueItems: true });
export const attachmentRefs = () => z.array(attachmentRef()).max(MAX_FILES_PER_EVENT).optional();

/** The event data of a carried file list: present only when there are files, so older events keep their shape. */
export const carried = (refs: readonly AttachmentRef[] | undefined): { attachments?: AttachmentRef[] } => (refs && refs.length ? { attachments: [...refs] } : {});

/** Image types shown inline as thumbnails; everything else is downloaded (Content-Disposition: attachment). */
const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const isInlineImage = (contentType: string): boolean => (INLINE_IMAGE_TYPES as readonly string[]).includes(contentType);
