import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

// The differential suite against the real istioctl (npm run test:istioctl): opt-in, not part of npm test.
const pinnedKustomize = path.resolve(".tools/bin/kustomize");

export default defineConfig({
  test: {
    include: ["tools/test/istioctl/**/*.oracle.ts"],
    exclude: ["**/node_modules/**", "tools/dist/**"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    env: existsSync(pinnedKustomize) ? { MESH_POLICY_KUSTOMIZE: pinnedKustomize } : {},
  },
});
