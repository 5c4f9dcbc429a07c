#!/usr/bin/env node
// Makes this package resolvable as "pulumi-ovh-office365-reseller" from the programs in examples/ (and from the
// dynamic provider, which resolves it from the program directory), without a second copy of @pulumi/pulumi:
// examples/node_modules/pulumi-ovh-office365-reseller -> the repository root. Runs on `npm ci` (prepare).
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const modules = path.join(root, "examples", "node_modules");
const link = path.join(modules, "pulumi-ovh-office365-reseller");

fs.mkdirSync(modules, { recursive: true });
try {
  const current = fs.readlinkSync(link);
  if (path.resolve(modules, current) === root) process.exit(0);
  fs.unlinkSync(link);
} catch (error) {
  if (error.code === "EINVAL") fs.rmSync(link, { recursive: true, force: true });
  else if (error.code !== "ENOENT") throw error;
}
fs.symlinkSync(path.relative(modules, root), link, "dir");
