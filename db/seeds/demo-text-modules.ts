/** Demo text modules (#14, point 3): what an agent types as ::keyword in the composer. Idempotent by keyword. */
import type { Knex } from 'knex';

export const DEMO_TEXT_MODULES = [
  {
    keyword: 'thanks',
    name: 'Thanks, we are on it',
    body_en: 'Dear {{requester}},\n\nthank you for reporting this. We are working on {{ticket.number}} ({{ticket.title}}) and will answer by {{deadline.firstResponse}} at the latest.\n\nBest regards,\n{{agent}}',
    body_sk: 'Dobrý deň, {{requester}},\n\nďakujeme za nahlásenie. Na tikete {{ticket.number}} ({{ticket.title}}) pracujeme a odpovieme najneskôr do {{deadline.firstResponse}}.\n\nS pozdravom\n{{agent}}',
  },
  {
    keyword: 'solved',
    name: 'Solved, please confirm',
    body_en: 'Dear {{requester}},\n\nwe believe {{ticket.number}} is solved for {{customer}}. Please confirm on the ticket page, or reply if anything is still wrong.\n\n{{agent}}',
    body_sk: 'Dobrý deň, {{requester}},\n\nveríme, že tiket {{ticket.number}} je pre {{customer}} vyriešený. Potvrďte to, prosím, na stránke tiketu, alebo odpíšte, ak ešte niečo nefunguje.\n\n{{agent}}',
  },
];

export async function seedDemoTextModules(trx: Knex | Knex.Transaction): Promise<void> {
  await trx('text_modules').insert(DEMO_TEXT_MODULES).onConflict('keyword').ignore();
}
