/** Lines the start-up banners of `npm start` and `npm run cluster` share. */
import type { DemoLogin } from '../../db/seeds/demo';

/** The demo accounts, with the password named only when it is the documented default. */
export function demoLoginLines(logins: DemoLogin[], password: string): string[] {
  return [`  Demo logins (password "${password === 'demo' ? 'demo' : '$DEMO_PASSWORD'}"):`, ...logins.map((l) => `    ${l.email.padEnd(20)} ${l.role.padEnd(18)} ${l.organisation}`)];
}

/** A database URL fit for a terminal: its password masked. */
export const maskedUrl = (url: string): string => url.replace(/:[^:@]*@/, ':***@');
