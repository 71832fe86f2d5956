import { pointerOf, type Resource } from "../model/resource.js";
import { objectAt } from "./fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "./hosts.js";
import { SelectorIndex } from "./policy-scope.js";
import { compareByAge } from "./resource-order.js";
import { readMatchLabels } from "./selector.js";

/**
 * PeerAuthentication and the one mTLS resolution (istio-semantics.md §3.1, §3.2): which policy decides
 * a workload's server-side mode, on one port or workload-wide. Mesh level = root namespace without
 * selector; namespace level = another namespace without selector; workload level = a selector outside
 * the root namespace (root-namespace policies with a selector are ignored). At every level the oldest
 * wins (compareByAge); UNSET or no `mtls` inherits; nothing at all is Istio's PERMISSIVE.
 */

export const MTLS_MODES = ["STRICT", "PERMISSIVE", "DISABLE"] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];
/** Which level decided the mode: `default` is Istio's PERMISSIVE when no PeerAuthentication sets one. */
export type MtlsLevel = "default" | "mesh" | "namespace" | "workload" | "port";

export interface EffectiveMtls {
  mode: MtlsMode;
  level: MtlsLevel;
  /** The PeerAuthentication that set the mode (undefined for `default`). */
  policy: Resource | undefined;
  /** JSON pointer of the field that set it ("" for `default`). */
  pointer: string;
}

export interface ParsedPeerAuthentication {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  /** `selector.matchLabels`; undefined when absent or empty (namespace-wide), or invalid. */
  selector: Record<string, string> | undefined;
  /** Why the selector is invalid (a non-string label value): the policy applies to no workload. */
  invalidSelector: string | undefined;
  resource: Resource;
}

/** A workload as mTLS resolution sees it. */
export interface MtlsTarget {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export function mtlsModeOf(value: unknown): MtlsMode | undefined {
  return typeof value === "string" && (MTLS_MODES as readonly string[]).includes(value) ? (value as MtlsMode) : undefined;
}

export function parsePeerAuthentication(resource: Resource): ParsedPeerAuthentication {
  const selector = readMatchLabels(objectAt(resource.object, "spec")["selector"]);
  return {
    id: `${namespaceOf(resource)}/${resource.name}`,
    namespace: namespaceOf(resource),
    selector: selector.labels,
    invalidSelector: selector.invalid,
    resource,
  };
}

export class MtlsResolution {
  private mesh: ParsedPeerAuthentication | undefined;
  private readonly namespaceLevel = new Map<string, ParsedPeerAuthentication>();
  private readonly workloadLevel: SelectorIndex<ParsedPeerAuthentication>;
  /** Per namespace (`*` for the mesh), PeerAuthentications that do not count, and why. */
  private readonly ignoredNotes = new Map<string, string[]>();

  constructor(policies: readonly Resource[]) {
    const workloadLevel: ParsedPeerAuthentication[] = [];
    const note = (namespace: string, text: string) => this.ignoredNotes.set(namespace, [...(this.ignoredNotes.get(namespace) ?? []), text]);
    for (const policy of [...policies].sort(compareByAge).map(parsePeerAuthentication)) {
      if (policy.invalidSelector !== undefined) {
        note(policy.namespace === ROOT_NAMESPACE ? "*" : policy.namespace, `PeerAuthentication ${policy.id} is ignored: ${policy.invalidSelector}; it applies to no workload`);
      } else if (policy.namespace === ROOT_NAMESPACE) {
        if (policy.selector !== undefined) note("*", `PeerAuthentication ${policy.id} is ignored: a root-namespace policy with a selector does not apply`);
        else if (this.mesh === undefined) this.mesh = policy;
        else note("*", `PeerAuthentication ${policy.id} is ignored: ${this.mesh.id} is the older mesh-wide policy`);
      } else if (policy.selector === undefined) {
        const existing = this.namespaceLevel.get(policy.namespace);
        if (existing === undefined) this.namespaceLevel.set(policy.namespace, policy);
        else note(policy.namespace, `PeerAuthentication ${policy.id} is ignored: ${existing.id} is the older namespace-wide policy`);
      } else {
        workloadLevel.push(policy);
      }
    }
    // Oldest first, so the first match of a workload is the one that counts.
    this.workloadLevel = new SelectorIndex(workloadLevel, undefined);
  }

  /** The mode set by the mesh-wide and namespace-wide PeerAuthentications only (what auto mTLS infers, §3.4). */
  namespaceMtls(namespace: string): EffectiveMtls {
    let result: EffectiveMtls = { mode: "PERMISSIVE", level: "default", policy: undefined, pointer: "" };
    result = applyPolicy(result, this.mesh?.resource, "mesh");
    if (namespace !== ROOT_NAMESPACE) result = applyPolicy(result, this.namespaceLevel.get(namespace)?.resource, "namespace");
    return result;
  }

  /** The namespace-wide PeerAuthentication that counts for a namespace (the oldest without a selector). */
  namespacePeerAuthentication(namespace: string): Resource | undefined {
    return namespace === ROOT_NAMESPACE ? this.mesh?.resource : this.namespaceLevel.get(namespace)?.resource;
  }

  /** The workload-level PeerAuthentication of a workload: the oldest whose selector matches it. */
  workloadPeerAuthentication(target: MtlsTarget): Resource | undefined {
    return this.workloadLevel.matching(target.namespace, target.labels)[0]?.resource;
  }

  /** The effective server-side mTLS mode of a workload, on one port or workload-wide (§3.1 algorithm). */
  effectiveMtls(target: MtlsTarget, port?: number): EffectiveMtls {
    const workloadPolicy = this.workloadPeerAuthentication(target);
    let result = applyPolicy(this.namespaceMtls(target.namespace), workloadPolicy, "workload");
    if (port !== undefined && workloadPolicy !== undefined) {
      const entry = objectAt(objectAt(objectAt(workloadPolicy.object, "spec"), "portLevelMtls"), String(port));
      const mode = mtlsModeOf(entry["mode"]);
      if (mode !== undefined) result = { mode, level: "port", policy: workloadPolicy, pointer: pointerOf("spec", "portLevelMtls", String(port), "mode") };
    }
    return result;
  }

  /** The PeerAuthentications that look relevant to a workload but do not count, and why (for explanations). */
  ignoredFor(target: MtlsTarget): string[] {
    const ignored = [...(this.ignoredNotes.get("*") ?? []), ...(this.ignoredNotes.get(target.namespace) ?? [])];
    const [first, ...others] = this.workloadLevel.matching(target.namespace, target.labels);
    for (const other of others) ignored.push(`PeerAuthentication ${other.id} is ignored: ${first?.id ?? ""} is the older policy selecting this workload`);
    return ignored;
  }
}

/** Human text for where an effective mode comes from, e.g. `STRICT from PeerAuthentication vapora/default`. */
export function describeMtls(mtls: EffectiveMtls): string {
  if (mtls.policy === undefined) return `${mtls.mode}, Istio's default when no PeerAuthentication sets a mode`;
  const where = mtls.level === "port" ? `portLevelMtls of PeerAuthentication` : mtls.level === "mesh" ? "mesh-wide PeerAuthentication" : "PeerAuthentication";
  return `${mtls.mode} from ${where} ${namespaceOf(mtls.policy)}/${mtls.policy.name}`;
}

function applyPolicy(current: EffectiveMtls, policy: Resource | undefined, level: MtlsLevel): EffectiveMtls {
  if (policy === undefined) return current;
  // UNSET or no `mtls` inherits from the parent level.
  const mode = mtlsModeOf(objectAt(objectAt(policy.object, "spec"), "mtls")["mode"]);
  return mode === undefined ? current : { mode, level, policy, pointer: pointerOf("spec", "mtls", "mode") };
}
