/**
 * Modules every workflow of the worker shares instead of instantiating them per workflow (the bundler's
 * `preloadModules`, see scripts/lib/workflow-bundle.ts). The SDK loads them into the worker's V8
 * context before any workflow runs and then deep-freezes what they export, so only stateless libraries belong here.
 *
 * zod keeps its configuration (default locale, memoizer) in an object on globalThis that it fills when the first
 * schema is built. Built here, before the freeze, so that no workflow writes to it later (a frozen object).
 */
import { z } from 'zod';

z.object({ shared: z.array(z.string()) }).safeParse({ shared: [] });
