import { createRequire } from "node:module";

/**
 * The child process that evaluates the Jsonnet catalog (evaluate-jsonnet.ts starts it, bounded in
 * time and memory): reads `{ "file": ... }` on stdin, evaluates the file with libjsonnet's Node
 * binding, and prints one JSON line, `{ "json": … }` or `{ "error": … }` (or `{ "binding": … }`
 * when the binding does not load).
 */
interface JsonnetVm {
  setMaxTrace(lines: number): unknown;
  evaluateFile(file: string): Promise<string>;
}

interface JsonnetBinding {
  Jsonnet: new () => JsonnetVm;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function evaluate(): Promise<Record<string, string>> {
  const { file } = JSON.parse(await readStdin()) as { file: string };
  let binding: JsonnetBinding;
  try {
    // Typed here: the package's own index.d.ts names the setters without their `set` prefix.
    binding = createRequire(import.meta.url)("@hanazuki/node-jsonnet") as JsonnetBinding;
  } catch (error) {
    return { binding: (error as Error).message.split("\n")[0] ?? "" };
  }
  const vm = new binding.Jsonnet();
  vm.setMaxTrace(1000);
  try {
    return { json: await vm.evaluateFile(file) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

process.stdout.write(`${JSON.stringify(await evaluate())}\n`);
