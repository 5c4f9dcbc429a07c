/**
 * End-to-end suite: the real Pulumi CLI, offline, with a local file backend.
 * Run from the repository root: npx jest -c test/e2e/jest.config.js
 * (`npm run build` first when programs import the project package: it resolves to dist/).
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: "../..",
  testEnvironment: "node",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["<rootDir>/test/e2e/**/*.e2e.test.ts"],
  // Transpiled only (the root tsconfig sets isolatedModules); `npm run typecheck` type-checks the suite.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }] },
  globalSetup: "<rootDir>/test/e2e/global-setup.ts",
  // One stack at a time: every test drives the CLI, node and the sandbox on a two-core machine.
  maxWorkers: 1,
  testTimeout: 10 * 60 * 1000,
  slowTestThreshold: 120,
};
