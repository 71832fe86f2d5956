import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// Tests render with the pinned kustomize that tools/install-tools.sh puts in .tools/bin.
const pinnedKustomize = path.resolve(".tools/bin/kustomize");

export default defineConfig({
  test: {
    include: ["tools/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tools/dist/**"],
    testTimeout: 60_000,
    // At least two files at a time, also on two cores: the harness tests (tools/harness/) spend
    // most of their time waiting for Argo CD and the API server, not computing.
    maxWorkers: Math.max(availableParallelism() - 1, 2),
    hookTimeout: 120_000,
    env: existsSync(pinnedKustomize) ? { MESH_POLICY_KUSTOMIZE: pinnedKustomize } : {},
  },
});
