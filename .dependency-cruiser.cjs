/**
 * The layout's boundary rules (docs/architecture.md §2), enforced by `npm run lint`. Which tool checks what:
 * - dependency-cruiser (this file): what each folder may import, and no import cycles;
 * - eslint (eslint.config.mjs, `no-restricted-syntax`): only src/config reads process.env (an import graph
 *   cannot see a property read).
 * test/lint/boundaries.spec.ts proves every rule fails on a deliberate violation.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'scim-engine-is-pure',
      comment: 'src/scim is the framework-free SCIM engine: it imports nothing else of src/ and no Nest.',
      severity: 'error',
      from: { path: '^src/scim/' },
      to: { path: '^src/(?!scim/)' },
    },
    {
      name: 'scim-engine-has-no-framework',
      comment: 'src/scim must not depend on NestJS, Fastify or a database driver.',
      severity: 'error',
      from: { path: '^src/scim/' },
      to: { path: 'node_modules/(@nestjs|fastify|@fastify|mongoose|mongodb|better-sqlite3)/' },
    },
    {
      name: 'only-mongo-adapter-imports-mongoose',
      comment: 'Only src/store/mongo/ talks to MongoDB; services see ports, never models or _id.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/mongo/' },
      to: { path: 'node_modules/(mongoose|@nestjs/mongoose|mongodb)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles: each module can be read (and tested) with what it imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'Folders form layers: the engine and the ports below, HTTP glue beside, feature modules above. These ' +
        'are the folder pairs that once imported each other (http↔auth, scim↔store, auth↔resources).',
      severity: 'error',
      from: { path: '^src/(http|store)/' },
      to: { path: '^src/(auth|resources|users|groups|bulk|search|admin|streaming)/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
