// Layers point one way (STYLE.md): scripts → api/activities → db → domain; workflows → domain. `npm run lint` fails on a violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties modules together so neither can be read, tested or moved alone; type-only imports count too.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds pure business rules that every other layer builds on; it imports only itself.',
      from: { path: '^domain/' },
      to: { path: '^(db|api|activities|workflows|scripts|bench|test)/' },
    },
    {
      name: 'db-below-api-and-workflows',
      severity: 'error',
      comment: 'db/ returns typed rows built from domain/ types; it knows nothing of its callers.',
      from: { path: '^db/' },
      to: { path: '^(api|activities|workflows|scripts|bench|test)/' },
    },
    {
      name: 'workflows-deterministic',
      severity: 'error',
      comment: 'Workflow code runs in the deterministic sandbox: no database, API or scripts code.',
      from: { path: '^workflows/' },
      to: { path: '^(db|api|scripts|bench|test)/' },
    },
    {
      name: 'workflows-activities-as-types',
      severity: 'error',
      comment: 'Workflows call activities through proxyActivities, so they import them as types only.',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-activities-not-scripts',
      severity: 'error',
      comment: 'scripts/ is the composition root: it passes the logger and mailbox in (api/ports.ts, activities/ports.ts); api/ and activities/ never import it.',
      from: { path: '^(api|activities)/' },
      to: { path: '^(scripts|bench|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|reports|\\.data|\\.stryker|\\.stryker-tmp)/' },
    // Type-only imports are dependencies too: a type cycle is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
