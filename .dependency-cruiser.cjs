// The import direction of ../shared/ARCHITECTURE.md, checked by `npm run lint:arch` (dependency-cruiser) in CI.
// Data flows one way: sources → ingest → store → detectors → alerts; kpi and dashboard read the store.
// Each rule names the arrow it forbids; a violation prints the importing file and the imported one.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or loaded one at a time: move what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-part',
      severity: 'error',
      comment: 'core/ is the language every part speaks (event and finding schemas, config, errors, logger); it imports no other part.',
      from: { path: '^core/' },
      to: { path: '^(ingest|store|detectors|pipeline|kpi|alerts|dashboard|cli|fixtures|bench|scripts|test)/' },
    },
    {
      name: 'formats-are-pure',
      severity: 'error',
      comment: 'ingest/formats/ are pure parsers: raw record in, SsprEvent or rejection out. They import only core/ (and npm libraries), never I/O.',
      from: { path: '^ingest/formats/' },
      to: {
        pathNot: ['^core/', '^ingest/formats/', '^node_modules/'],
      },
    },
    {
      name: 'formats-do-no-io',
      severity: 'error',
      comment: 'ingest/formats/ do no I/O: files, sockets and processes belong to ingest/sources/ and the store.',
      from: { path: '^ingest/formats/' },
      to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|net|tls|http|https|http2|child_process|dgram|dns|sqlite|worker_threads)$' },
    },
    {
      name: 'detectors-are-pure',
      severity: 'error',
      comment: 'Detectors see events and state, nothing else: no store, source, pipeline, CLI, alert channel or dashboard.',
      from: { path: '^detectors/' },
      to: { path: '^(store|ingest|pipeline|cli|alerts|dashboard|kpi|fixtures|bench|test)/' },
    },
    {
      name: 'store-knows-no-detector',
      severity: 'error',
      comment: 'The store keeps events, findings and state as data; it does not know which detector made them.',
      from: { path: '^store/' },
      to: { path: '^(detectors|ingest|pipeline|cli|alerts|dashboard|kpi)/' },
    },
    {
      name: 'kpi-reads-events-not-parsers',
      severity: 'error',
      comment: 'KPIs are computed from stored events and directory snapshots (core/ types), never from parsers or detectors.',
      from: { path: '^kpi/' },
      to: { path: '^(detectors|ingest|pipeline|cli|alerts|dashboard)/' },
    },
    {
      name: 'alerts-route-findings-only',
      severity: 'error',
      comment: 'The alert router sees findings (core/) and its outbox in the store; it never reaches into detectors, sources or the UI.',
      from: { path: '^alerts/' },
      to: { path: '^(detectors|ingest|pipeline|cli|dashboard|kpi)/' },
    },
    {
      name: 'dashboard-never-imports-workers',
      severity: 'error',
      comment: 'The dashboard reads the store and the KPI module; queue workers are wired by the CLI, not imported by the UI.',
      from: { path: '^dashboard/' },
      to: { path: '^(pipeline|cli|ingest)/' },
    },
    {
      name: 'web-app-takes-only-types-from-the-server',
      severity: 'error',
      comment: 'The browser app (dashboard/web) runs no server code: from the server, the store and the other parts it imports types only (the API contract); pure core/ and kpi/report.ts values are fine.',
      from: { path: '^dashboard/web/' },
      to: { path: '^(dashboard/server|store|ingest|detectors|pipeline|alerts|cli|fixtures)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'production-code-imports-no-tests',
      severity: 'error',
      comment: 'Shipped code never depends on tests or benchmarks.',
      from: { path: '^(core|ingest|store|detectors|pipeline|kpi|alerts|dashboard|cli)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'generator-only-for-demo',
      severity: 'error',
      comment: 'The seeded tenant generator is test and demo material: only the CLI demo command, tests and benchmarks use it.',
      from: { path: '^(core|ingest|store|detectors|pipeline|kpi|alerts|dashboard)/' },
      to: { path: '^fixtures/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dashboard/web/dist|\\.bench-out|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
