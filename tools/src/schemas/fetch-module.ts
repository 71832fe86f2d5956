import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

interface ModuleDownload {
  Zip?: string;
  Error?: string;
}

/**
 * Downloads `module@version` through the Go module proxy (or finds it in the module cache)
 * and returns the path of the module zip.
 */
export async function downloadGoModule(module: string, version: string): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), "mesh-policy-schemas-"));
  try {
    // `go mod download` wants to run inside a module; this throwaway one is never used otherwise.
    await writeFile(join(workDir, "go.mod"), "module mesh-policy.invalid/schemas\n\ngo 1.21\n");
    const result = await execa("go", ["mod", "download", "-json", `${module}@${version}`], {
      cwd: workDir,
      env: { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      reject: false,
    });
    const info = parseDownloadJson(result.stdout);
    // Some modules report an "Error" about their go directive although the zip was downloaded.
    if (info?.Zip) return info.Zip;
    const reason = info?.Error ?? (result.stderr || result.shortMessage);
    throw new Error(`go mod download ${module}@${version} failed (is Go installed?): ${reason}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function parseDownloadJson(stdout: string): ModuleDownload | undefined {
  if (stdout.trim() === "") return undefined;
  try {
    return JSON.parse(stdout) as ModuleDownload;
  } catch {
    return undefined;
  }
}

/** Reads one file of a Go module zip; entries are prefixed with `<module>@<version>/`. */
export async function readModuleFile(zip: string, module: string, version: string, file: string): Promise<string> {
  const entry = `${module}@${version}/${file}`;
  const result = await execa("unzip", ["-p", zip, entry], { reject: false, stripFinalNewline: false, maxBuffer: 256 * 1024 * 1024 });
  if (result.exitCode !== 0) {
    const reason = result.stderr || result.shortMessage;
    throw new Error(`cannot read ${entry} from ${zip} (is unzip installed?): ${reason}`);
  }
  return result.stdout;
}
