/**
 * The HTML access report in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): it loads from file:// with no network request and no console error, shows the
 * title, the graph's edges and the matrix cells, and renders to a non-empty PNG.
 *
 * Needs `playwright-core` and `/usr/bin/chromium` (apt-get install chromium). Set
 * MESH_POLICY_SKIP_BROWSER=1 to skip on a machine without them.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderEnvironment } from "../render/render-environment.js";
import { computeAccessMatrix } from "./access-matrix.js";
import { formatGraphHtml } from "./graph.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const skip = process.env["MESH_POLICY_SKIP_BROWSER"] === "1";
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe.skipIf(skip)("HTML access report in headless Chromium", () => {
  let work: string;
  let context: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let fileUrl: string;
  let screenshot: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set MESH_POLICY_SKIP_BROWSER=1)`);
    const playwright = await import("playwright-core").catch(() => {
      throw new Error("playwright-core is not installed: npm install playwright-core (or set MESH_POLICY_SKIP_BROWSER=1)");
    });
    work = await mkdtemp(path.join(tmpdir(), "mesh-policy-access-html-"));
    const rendered = await renderEnvironment(REPO_ROOT, "prod", { cacheDir: false });
    const html = formatGraphHtml(computeAccessMatrix(rendered.resources, { environment: "prod" }), { title: "VAPORA access — prod", revision: "0123456789ab" });
    const file = path.join(work, "access-prod.html");
    await writeFile(file, html);
    fileUrl = pathToFileURL(file).href;
    screenshot = path.join(work, "access-prod.png");
    // A fresh profile directory for this run only.
    context = await playwright.chromium.launchPersistentContext(path.join(work, "profile"), { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(fileUrl);
    await page.screenshot({ path: screenshot, fullPage: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    // Keep the screenshot for a person to look at when asked to (MESH_POLICY_KEEP_SCREENSHOT=dir).
    const keep = process.env["MESH_POLICY_KEEP_SCREENSHOT"];
    if (keep !== undefined && screenshot !== undefined && existsSync(screenshot)) await writeFile(path.join(keep, "access-prod.png"), await readFile(screenshot));
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("has the title and no console error", async () => {
    expect(await page.title()).toBe("VAPORA access — prod");
    expect(consoleErrors).toEqual([]);
  });

  it("makes no network request: the only request is the file itself", () => {
    expect(requests).toEqual([fileUrl]);
  });

  it("draws a known allowed edge (backend → agents:8002) and a conditional one (gateway → frontend:8080)", async () => {
    expect(await page.locator('svg g.edge.allowed[data-source="vapora/vapora-backend"][data-target="vapora/vapora-agents:8002"]').count()).toBe(1);
    expect(await page.locator('svg g.edge.conditional[data-source="istio-ingress/istio-ingressgateway"][data-target="vapora/vapora-frontend:8080"]').count()).toBe(1);
    expect(await page.locator('svg g.edge[data-source="plaintext"]').count()).toBe(0);
  });

  it("colours the matrix cells: allowed, conditional with its conditions, denied with the reason", async () => {
    const allowed = page.locator('td[data-source="vapora/vapora-backend"][data-target="vapora/vapora-agents:8002"]').first();
    expect(await allowed.getAttribute("class")).toBe("allowed");
    // Runs in the page (DOM types are not in this project's lib).
    const background = await allowed.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor);
    expect(background).toBe("rgb(218, 251, 225)");
    const conditional = page.locator('td[data-source="istio-ingress/istio-ingressgateway"][data-target="vapora/vapora-backend:8001"]').first();
    expect(await conditional.getAttribute("class")).toBe("conditional");
    expect(await conditional.textContent()).toContain("GET,POST,PUT,PATCH,DELETE /api/* with JWT");
    const denied = page.locator('td[data-source="plaintext"][data-target="vapora/vapora-frontend:8080"]').first();
    expect(await denied.getAttribute("class")).toBe("denied");
    expect(await denied.textContent()).toContain("mTLS STRICT rejects plaintext");
  });

  it("says which revision it was rendered from", async () => {
    expect(await page.locator("p.revision").textContent()).toBe("Rendered from revision 0123456789ab.");
  });

  it("has a legend for solid (allowed) and dashed (conditional) edges, drawn as the edges are", async () => {
    const legend = page.locator(".graph-legend");
    expect(await legend.textContent()).toContain("solid: allowed");
    expect(await legend.textContent()).toContain("dashed: conditional");
    // Runs in the page (DOM types are not in this project's lib).
    const style = (selector: string, property: string) =>
      page.locator(selector).first().evaluate((element, name) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(element)[name] ?? "", property);
    expect(await style(".graph-legend .line.allowed", "borderTopStyle")).toBe("solid");
    expect(await style(".graph-legend .line.conditional", "borderTopStyle")).toBe("dashed");
    expect(await style("svg g.edge.allowed path", "strokeDasharray")).toBe("none");
    expect(await style("svg g.edge.conditional path", "strokeDasharray")).not.toBe("none");
  });

  it("fits the width of the window: the graph scales, the page does not scroll sideways", async () => {
    const measure = () =>
      page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelector(s: string): { getBoundingClientRect(): { width: number } } } }).document;
        return { page: doc.documentElement.scrollWidth, window: doc.documentElement.clientWidth, graph: doc.querySelector("figure svg").getBoundingClientRect().width };
      });
    try {
      await page.setViewportSize({ width: 1800, height: 900 });
      const wide = await measure();
      expect(wide.page).toBeLessThanOrEqual(wide.window);
      expect(wide.graph).toBeGreaterThan(1040);
      await page.setViewportSize({ width: 700, height: 900 });
      const narrow = await measure();
      expect(narrow.page).toBeLessThanOrEqual(narrow.window);
      expect(narrow.graph).toBeLessThan(700);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("renders to a non-empty PNG", async () => {
    const bytes = await readFile(screenshot);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
  });
});
